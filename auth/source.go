package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hexship/ship/auth/tokenstore"
	"golang.org/x/oauth2"
)

// Source hands out valid credentials for one registry, refreshing them
// when they near expiry. Many Sources, in one process or many, may share
// a store: refreshes happen under a lock file in LockDir, each re-reads
// the store inside the lock, and each rotated refresh token is stored
// before the lock is released, so no process ever presents a refresh
// token another has already spent.
type Source struct {
	API     string           // API base URL; the store key and the lock's name
	Store   tokenstore.Store // where the credentials live
	LockDir string           // where the per-registry lock file lives (config dir)
	HTTP    *http.Client     // nil: a default with timeouts
	Now     func() time.Time // nil: time.Now
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Source) api() string { return trimAPI(s.API) }

// Load returns the stored credentials without touching the network:
// ErrNotLoggedIn when there are none, or when what is stored cannot be
// read (wrapped, saying so).
func (s *Source) Load() (*Credentials, error) {
	data, err := s.Store.Get(s.api())
	if errors.Is(err, tokenstore.ErrNotFound) {
		return nil, ErrNotLoggedIn
	}
	if err != nil {
		return nil, err
	}
	c, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w in %s", ErrNotLoggedIn, err, s.Store.Where())
	}
	return c, nil
}

// Save stores c as the registry's credentials, replacing any: after
// Login, or to record the Username of credentials Token has just
// returned. It takes the lock, so it never lands in the middle of another
// process's refresh; but credentials held while another process may have
// refreshed must not be saved, since their refresh token may be spent.
// (Whether stored credentials are newer cannot be told from their times:
// a clock set right after a login would make a new login look older.)
func (s *Source) Save(c *Credentials) error {
	ctx, cancel := context.WithTimeout(context.Background(), maxLockWait)
	defer cancel()
	_, err := withLock(ctx, s.LockDir, s.api(), func() (struct{}, error) {
		return struct{}{}, s.store(c)
	})
	return err
}

// store writes c; the caller holds the lock.
func (s *Source) store(c *Credentials) error {
	data, err := encode(c)
	if err != nil {
		return err
	}
	if err := s.Store.Set(s.api(), data); err != nil {
		return fmt.Errorf("storing the credentials in %s: %w", s.Store.Where(), err)
	}
	return nil
}

// refreshMargin is how long before expiry credentials are refreshed, as
// the Hex client does: long enough for a slow command to finish on them.
const refreshMargin = 5 * time.Minute

// needsRefresh reports whether c should be refreshed at now: under five
// minutes left, or, for credentials whose whole life is under ten minutes
// (a test server's), under half of it, so they are not refreshed on every
// call. Credentials without an expiry never need it.
func needsRefresh(c *Credentials, now time.Time) bool {
	if c.ExpiresAt.IsZero() {
		return false
	}
	margin := refreshMargin
	if !c.IssuedAt.IsZero() {
		if life := c.ExpiresAt.Sub(c.IssuedAt); life < 2*refreshMargin {
			margin = life / 2
		}
	}
	return c.ExpiresAt.Sub(now) < margin
}

// Token returns valid credentials, refreshed under the lock when they
// near expiry (see needsRefresh). Errors: ErrNotLoggedIn, ErrSessionEnded
// (wrapping the server's reason) when the login can no longer be
// refreshed, the context's error, or a transient failure (network, 5xx),
// after which the stored credentials are unchanged and Load still returns
// them.
func (s *Source) Token(ctx context.Context) (*Credentials, error) {
	c, err := s.Load()
	if err != nil || !needsRefresh(c, s.now()) {
		return c, err
	}
	return withLock(ctx, s.LockDir, s.api(), func() (*Credentials, error) {
		// Another process may have refreshed while this one waited.
		c, err := s.Load()
		if err != nil || !needsRefresh(c, s.now()) {
			return c, err
		}
		if c.RefreshToken == "" {
			if s.now().Before(c.ExpiresAt) {
				return c, nil // nothing to refresh with; good until it expires
			}
			return nil, fmt.Errorf("%w: the access token expired and there is no refresh token", ErrSessionEnded)
		}
		return s.refresh(ctx, c)
	})
}

// Refresh replaces the access token stale, which the server has just
// called expired (a token_expired challenge), and returns the new
// credentials. When the stored access token already differs from stale,
// another process has refreshed, and those credentials are returned
// without a request. Errors as for Token.
func (s *Source) Refresh(ctx context.Context, stale string) (*Credentials, error) {
	if c, err := s.Load(); err != nil || c.AccessToken != stale {
		return c, err
	}
	return withLock(ctx, s.LockDir, s.api(), func() (*Credentials, error) {
		c, err := s.Load()
		if err != nil || c.AccessToken != stale {
			return c, err
		}
		if c.RefreshToken == "" {
			return nil, fmt.Errorf("%w: the access token expired and there is no refresh token", ErrSessionEnded)
		}
		return s.refresh(ctx, c)
	})
}

// refresh exchanges c's refresh token, with the lock held, and stores the
// result at once: the server has rotated the refresh token, and the old
// one is spent.
//
// On invalid_grant the store is read again: credentials there that differ
// from c were written by another process (a new login, or a ship that
// does not take the lock), and are returned. Otherwise the login is over:
// ErrSessionEnded. The dead credentials stay stored, so that `ship auth
// status` can still say whose login ended; a new login replaces them.
func (s *Source) refresh(ctx context.Context, c *Credentials) (*Credentials, error) {
	cfg := &oauth2.Config{ClientID: ClientID, Endpoint: endpoint(s.api())}
	hctx := context.WithValue(ctx, oauth2.HTTPClient, authClient(s.HTTP))
	// An expired token with only a refresh token makes x/oauth2 send one
	// refresh_token grant. A response without refresh_token keeps the old
	// one, which is right for a registry that does not rotate.
	tok, err := cfg.TokenSource(hctx, &oauth2.Token{RefreshToken: c.RefreshToken}).Token()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			if now, lerr := s.Load(); lerr == nil && !sameTokens(now, c) {
				return now, nil
			}
			return nil, fmt.Errorf("%w: %w", ErrSessionEnded, serverError("the registry refused to refresh the login", err))
		}
		return nil, serverError("refreshing the login", err)
	}
	n, err := credentialsFrom(tok, s.now(), c.Scopes)
	if err != nil {
		return nil, fmt.Errorf("refreshing the login: %w", err)
	}
	n.Username = c.Username
	if err := s.store(n); err != nil {
		return nil, err
	}
	return n, nil
}

func sameTokens(a, b *Credentials) bool {
	return a.AccessToken == b.AccessToken && a.RefreshToken == b.RefreshToken
}
