package oauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hexship/ship/registry/store"
)

// Pending is a device authorization waiting for a person's decision.
type Pending struct {
	Code       *store.DeviceCode
	ClientName string
}

// PendingDevice finds the pending device authorization a person typed the
// user code of, in any case, with or without its hyphen.
func (s *Service) PendingDevice(ctx context.Context, userCode string) (*Pending, error) {
	d, err := s.pending(ctx, s.cfg.Store, userCode)
	if err != nil {
		return nil, err
	}
	return &Pending{Code: d, ClientName: s.clientName(d.ClientID)}, nil
}

func (s *Service) pending(ctx context.Context, r store.Reader, userCode string) (*store.DeviceCode, error) {
	code := NormalizeUserCode(userCode)
	if len(code) != userCodeLen {
		return nil, ErrUnknownCode
	}
	d, err := r.DeviceCodeByUserCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnknownCode
	}
	if err != nil {
		return nil, err
	}
	switch {
	case d.Status != store.DevicePending:
		return nil, ErrProcessedCode
	case !s.now().Before(d.ExpiresAt):
		return nil, ErrExpiredCode
	}
	return d, nil
}

// Approve grants the device the chosen scopes for user: it creates the
// OAuth session the device's tokens will belong to. The choice must be a
// non-empty subset of what the device asked for; write scopes need 2FA.
// RequiredScope is granted whenever it was asked for.
func (s *Service) Approve(ctx context.Context, userCode string, user *store.User, scopes []string, use store.KeyUse) error {
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		d, err := s.pending(ctx, tx, userCode)
		if err != nil {
			return err
		}
		granted, err := s.choose(ctx, tx, d, user, scopes)
		if err != nil {
			return err
		}
		now := s.now()
		session := &store.OAuthSession{
			UserID:    user.ID,
			ClientID:  d.ClientID,
			Name:      d.Name,
			Scopes:    granted,
			CreatedAt: now,
			ExpiresAt: now.Add(SessionTTL),
		}
		if err := tx.CreateOAuthSession(ctx, session); err != nil {
			return err
		}
		d.Status, d.UserID, d.SessionID = store.DeviceAuthorized, user.ID, session.ID
		if err := tx.UpdateDeviceCode(ctx, d); err != nil {
			return err
		}
		return s.event(ctx, tx, user, "device_approved", d, granted, use)
	})
}

// choose checks a person's selection against the request and the account.
func (s *Service) choose(ctx context.Context, tx store.Tx, d *store.DeviceCode, user *store.User, selected []string) ([]string, error) {
	var granted []string
	if slices.Contains(d.Scopes, RequiredScope) {
		granted = append(granted, RequiredScope)
	}
	for _, sc := range selected {
		if !slices.Contains(d.Scopes, sc) {
			return nil, ErrBadScopes
		}
		if !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		return nil, ErrBadScopes
	}
	if slices.ContainsFunc(granted, IsWriteScope) {
		if _, err := tx.TOTP(ctx, user.ID); errors.Is(err, store.ErrNotFound) {
			return nil, ErrWriteNeeds2FA
		} else if err != nil {
			return nil, err
		}
	}
	// Keep the request's order, so the page and the token list agree.
	slices.SortStableFunc(granted, func(a, b string) int {
		return slices.Index(d.Scopes, a) - slices.Index(d.Scopes, b)
	})
	return granted, nil
}

// Deny refuses the device: its next poll gets access_denied.
func (s *Service) Deny(ctx context.Context, userCode string, user *store.User, use store.KeyUse) error {
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		d, err := s.pending(ctx, tx, userCode)
		if err != nil {
			return err
		}
		d.Status, d.UserID = store.DeviceDenied, user.ID
		if err := tx.UpdateDeviceCode(ctx, d); err != nil {
			return err
		}
		return s.event(ctx, tx, user, "device_denied", d, nil, use)
	})
}

// event writes the approval or denial to the user's security log, naming
// the device and where its request came from.
func (s *Service) event(ctx context.Context, tx store.Tx, user *store.User, kind string, d *store.DeviceCode, granted []string, use store.KeyUse) error {
	detail := fmt.Sprintf("%s on %q, requested from %s", s.clientName(d.ClientID), d.Name, d.IP)
	if granted != nil {
		detail += "; scopes: " + strings.Join(granted, " ")
	}
	return tx.AddSecurityEvent(ctx, &store.SecurityEvent{
		UserID: user.ID, Kind: kind, Detail: detail, IP: use.IP, UserAgent: use.UserAgent, At: s.now(),
	})
}
