package oauth

import (
	"context"
	"errors"
	"time"

	"github.com/hexship/ship/registry/store"
)

// DeviceRequest is a device authorization request (RFC 8628 §3.1).
type DeviceRequest struct {
	ClientID  string
	Scope     string // space-separated
	Name      string // the device's name (hex_core sends the host name)
	IP        string
	UserAgent string
}

// DeviceResponse is the answer to a device authorization request.
type DeviceResponse struct {
	DeviceCode              string
	UserCode                string // without hyphen, as hex.pm sends it
	VerificationURI         string
	VerificationURIComplete string
	ExpiresIn               int64 // seconds
	Interval                int64 // seconds
}

// maxDeviceName bounds the name a device gives itself: it is shown on the
// approval page and kept with the session.
const maxDeviceName = 100

// DeviceAuthorization starts a device login.
func (s *Service) DeviceAuthorization(ctx context.Context, req DeviceRequest) (*DeviceResponse, error) {
	c, err := s.client(req.ClientID)
	if err != nil {
		return nil, err
	}
	scopes, ok := parseScopes(c, req.Scope)
	if !ok {
		return nil, oauthError("invalid_scope", "Invalid scope")
	}
	if err := s.limitDevices(ctx, req.IP); err != nil {
		return nil, err
	}
	name := req.Name
	if r := []rune(name); len(r) > maxDeviceName {
		name = string(r[:maxDeviceName])
	}
	deviceCode := randomText(32)
	now := s.now()
	d := &store.DeviceCode{
		Lookup:    HashToken(deviceCode),
		ClientID:  c.ID,
		Scopes:    scopes,
		Name:      name,
		IP:        req.IP,
		UserAgent: req.UserAgent,
		Status:    store.DevicePending,
		ExpiresAt: now.Add(DeviceCodeTTL),
		CreatedAt: now,
	}
	// A user code can collide with a live one (1 in 10^11 per pair of
	// live codes); draw again rather than fail.
	for attempt := 0; ; attempt++ {
		d.UserCode = newUserCode()
		err = s.cfg.Store.Update(ctx, func(tx store.Tx) error { return tx.CreateDeviceCode(ctx, d) })
		if !errors.Is(err, store.ErrConflict) || attempt == 5 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	uri := s.cfg.PublicURL + "/oauth/device"
	return &DeviceResponse{
		DeviceCode:              deviceCode,
		UserCode:                d.UserCode,
		VerificationURI:         uri,
		VerificationURIComplete: uri + "?user_code=" + d.UserCode,
		ExpiresIn:               int64(DeviceCodeTTL / time.Second),
		Interval:                int64(PollInterval / time.Second),
	}, nil
}

// limitDevices counts a device authorization from ip and refuses it past
// the limit.
func (s *Service) limitDevices(ctx context.Context, ip string) error {
	lim := s.cfg.DeviceLimit
	if lim.Max <= 0 {
		return nil
	}
	key := "device-ip:" + ip
	n, err := s.cfg.Store.Failures(ctx, key, s.now().Add(-lim.Window))
	if err != nil {
		return err
	}
	if n >= lim.Max {
		return oauthError("slow_down", "Too many device authorizations from this address. Please wait a few minutes and try again.")
	}
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error { return tx.RecordFailure(ctx, key, s.now()) })
}

// pollDevice answers one poll of the token endpoint with a device code.
func (s *Service) pollDevice(ctx context.Context, c *Client, deviceCode string) (*TokenResponse, error) {
	if deviceCode == "" {
		return nil, oauthError("invalid_grant", "Invalid device code")
	}
	lookup := HashToken(deviceCode)
	d, err := s.cfg.Store.DeviceCodeByLookup(ctx, lookup)
	if errors.Is(err, store.ErrNotFound) {
		return nil, oauthError("invalid_grant", "Invalid device code")
	}
	if err != nil {
		return nil, err
	}
	if d.ClientID != c.ID {
		return nil, oauthError("invalid_client", "Invalid client")
	}
	now := s.now()
	if !s.polls.allow(lookup, now, d.ExpiresAt) {
		return nil, oauthError("slow_down", "Polling too fast; wait the interval between requests")
	}
	switch {
	case d.Status == store.DeviceUsed:
		return nil, oauthError("invalid_grant", "Device code has already been used")
	case d.Status == store.DeviceDenied:
		return nil, oauthError("access_denied", "The request was denied")
	case !now.Before(d.ExpiresAt):
		return nil, oauthError("expired_token", "Device code has expired")
	case d.Status == store.DevicePending:
		return nil, oauthError("authorization_pending", "Waiting for the user to approve the request")
	}
	// Authorized: collect the tokens, once.
	var resp *TokenResponse
	err = s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		resp = nil
		d, err := tx.DeviceCodeByLookup(ctx, lookup)
		if err != nil {
			return err
		}
		if d.Status != store.DeviceAuthorized {
			return nil // another poll collected them meanwhile
		}
		session, err := tx.OAuthSession(ctx, d.SessionID)
		if err != nil {
			return err
		}
		d.Status = store.DeviceUsed
		if err := tx.UpdateDeviceCode(ctx, d); err != nil {
			return err
		}
		resp, err = s.issue(ctx, tx, session, newToken(accessPrefix), newToken(refreshPrefix), 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, oauthError("invalid_grant", "Device code has already been used")
	}
	s.polls.forget(lookup)
	return resp, nil
}
