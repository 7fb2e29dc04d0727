package oauth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hexship/ship/registry/store"
)

// Grant is what a valid access token acts with.
type Grant struct {
	User        *store.User
	Session     *store.OAuthSession
	Permissions []store.Permission
}

// sessionUseInterval bounds how often a session's last use is written, as
// for API keys.
const sessionUseInterval = time.Minute

// Authenticate resolves an access token presented as a bearer token.
// ErrTokenExpired tells a client it may refresh; every other refusal is
// ErrTokenInvalid, whatever the reason, so nothing is learnt by probing.
func (s *Service) Authenticate(ctx context.Context, token string, use store.KeyUse) (*Grant, error) {
	if !strings.HasPrefix(token, accessPrefix) {
		return nil, ErrTokenInvalid
	}
	t, err := s.cfg.Store.OAuthTokenByHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, err
	}
	if t.Kind != store.AccessToken || t.RevokedAt != nil {
		return nil, ErrTokenInvalid
	}
	session, err := s.cfg.Store.OAuthSession(ctx, t.SessionID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if session.RevokedAt != nil {
		return nil, ErrTokenInvalid
	}
	if !now.Before(t.ExpiresAt) || !now.Before(session.ExpiresAt) {
		return nil, ErrTokenExpired
	}
	user, err := s.cfg.Store.UserByID(ctx, session.UserID)
	if err != nil {
		return nil, err
	}
	if last := session.LastUse; last == nil || last.IP != use.IP || last.UserAgent != use.UserAgent || now.Sub(last.At) >= sessionUseInterval {
		use.At = now
		if err := s.cfg.Store.Update(ctx, func(tx store.Tx) error { return tx.TouchOAuthSession(ctx, session.ID, use) }); err != nil {
			return nil, err
		}
		session.LastUse = &use
	}
	return &Grant{User: user, Session: session, Permissions: permissions(session.Scopes)}, nil
}
