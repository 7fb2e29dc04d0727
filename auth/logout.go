package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hexship/ship/auth/tokenstore"
)

// revokeTimeout bounds the revocation request: logging out must not wait
// long on a registry that does not answer.
const revokeTimeout = 10 * time.Second

// Logout ends the login: it asks the registry to revoke the refresh token
// (the access token when there is none), which ends the whole session on
// shipyard (RFC 7009 §2.1), then deletes the stored credentials, always,
// even when the registry cannot be reached. revoked reports whether the
// registry confirmed; a failed revocation is not an error. ErrNotLoggedIn
// when nothing is stored. The lock keeps a concurrent refresh from
// storing new credentials after the delete.
func (s *Source) Logout(ctx context.Context) (revoked bool, err error) {
	ran := false
	revoked, err = withLock(ctx, s.LockDir, s.api(), func() (bool, error) {
		ran = true
		return s.logout(ctx)
	})
	if !ran {
		// No lock (the wait was cut short, or the directory is unusable):
		// the credentials go all the same.
		return s.logout(ctx)
	}
	return revoked, err
}

func (s *Source) logout(ctx context.Context) (bool, error) {
	data, err := s.Store.Get(s.api())
	if errors.Is(err, tokenstore.ErrNotFound) {
		return false, ErrNotLoggedIn
	}
	if err != nil {
		return false, err
	}
	revoked := false
	if c, err := decode(data); err == nil {
		token := c.RefreshToken
		if token == "" {
			token = c.AccessToken
		}
		revoked = s.revoke(ctx, token) == nil
	}
	if err := s.Store.Delete(s.api()); err != nil {
		return revoked, fmt.Errorf("deleting the credentials from %s: %w", s.Store.Where(), err)
	}
	return revoked, nil
}

// revoke is RFC 7009 revocation: the registry answers 200 whether or not
// it knew the token.
func (s *Source) revoke(ctx context.Context, token string) error {
	ctx, cancel := context.WithTimeout(ctx, revokeTimeout)
	defer cancel()
	form := url.Values{"token": {token}, "client_id": {ClientID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.api()+"/oauth/revoke", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := authClient(s.HTTP).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the registry answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}
