package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/auth/tokenstore"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

// loggedIn is a registry with ada's login stored in a file store, as
// `ship auth` leaves it.
type loggedIn struct {
	*shipyard
	dir   string // the config dir: the file store and the lock
	user  *store.User
	creds *auth.Credentials
}

func newLoggedIn(t *testing.T, accessTTL time.Duration) *loggedIn {
	t.Helper()
	y := newShipyard(t, accessTTL)
	l := &loggedIn{shipyard: y, dir: t.TempDir()}
	l.user = y.AddUser(t, "ada")
	l.creds = y.session(l.user)
	l.creds.Username = "ada"
	if err := l.src().Save(l.creds); err != nil {
		t.Fatal(err)
	}
	return l
}

// src is a fresh Source over its own view of the file store, as a new
// ship process would have.
func (l *loggedIn) src() *auth.Source {
	return l.source(tokenstore.NewFile(l.dir), l.dir)
}

func (l *loggedIn) stored() *auth.Credentials {
	l.t.Helper()
	c, err := l.src().Load()
	if err != nil {
		l.t.Fatal(err)
	}
	return c
}

func TestTokenFreshNeedsNoRequest(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(20 * time.Minute) // 10 minutes left
	c, err := l.src().Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessToken != l.creds.AccessToken {
		t.Error("a fresh token was replaced")
	}
	if n := l.refreshes(); n != 0 {
		t.Errorf("%d refresh requests for a fresh token", n)
	}
}

func TestTokenRefreshesNearExpiryAndStoresTheRotation(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(26 * time.Minute) // 4 minutes left: under Hex's 5
	c, err := l.src().Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := l.refreshes(); n != 1 {
		t.Fatalf("%d refresh requests, want 1", n)
	}
	if c.AccessToken == l.creds.AccessToken || c.RefreshToken == l.creds.RefreshToken {
		t.Fatal("the refresh did not give new tokens")
	}
	if got := l.stored(); got.AccessToken != c.AccessToken || got.RefreshToken != c.RefreshToken {
		t.Fatal("the rotated tokens were not stored")
	}
	if l.whoami(c.AccessToken) != "ada" {
		t.Error("the new access token does not work")
	}
	if !c.IssuedAt.Equal(l.Clock.Now()) || c.ExpiresAt.Sub(c.IssuedAt) != oauth.DefaultAccessTTL {
		t.Errorf("issued %v expires %v, want now and 30 minutes later", c.IssuedAt, c.ExpiresAt)
	}
	if c.Username != "ada" || strings.Join(c.Scopes, " ") != "api:read repositories" {
		t.Errorf("username %q scopes %q after the refresh", c.Username, c.Scopes)
	}
	// Past the grace window the first refresh token is spent: had ship
	// kept it, the next refresh would end the session.
	l.Clock.Advance(oauth.RefreshGrace + time.Second)
	l.Clock.Advance(26 * time.Minute)
	c2, err := l.src().Token(context.Background())
	if err != nil {
		t.Fatalf("second refresh: %v", err)
	}
	if l.whoami(c2.AccessToken) != "ada" {
		t.Error("the session did not survive two refreshes")
	}
}

// TestTokenShortLifetime: a one-minute token (a test registry's) is
// refreshed at half its life, not on every call.
func TestTokenShortLifetime(t *testing.T) {
	l := newLoggedIn(t, time.Minute)
	l.Clock.Advance(20 * time.Second)
	if _, err := l.src().Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := l.refreshes(); n != 0 {
		t.Fatalf("%d refreshes with 40 of 60 seconds left, want none", n)
	}
	l.Clock.Advance(11 * time.Second)
	c, err := l.src().Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := l.refreshes(); n != 1 || c.AccessToken == l.creds.AccessToken {
		t.Fatalf("%d refreshes with 29 of 60 seconds left, want one and a new token", n)
	}
}

// TestConcurrentRefresh: eight Sources, each with its own view of the
// store, find the token near expiry at once. One refreshes; the others
// wait for the lock, re-read the store, and use what it stored.
func TestConcurrentRefresh(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(27 * time.Minute)
	var wg sync.WaitGroup
	got := make([]*auth.Credentials, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = l.src().Token(context.Background())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Source %d: %v", i, err)
		}
		if got[i].AccessToken != got[0].AccessToken {
			t.Fatalf("Sources %d and 0 hold different tokens", i)
		}
	}
	if n := l.refreshes(); n != 1 {
		t.Errorf("%d refresh requests from 8 Sources, want 1", n)
	}
	checkSessionAlive(t, l)
}

// checkSessionAlive refreshes once more past the grace window: had any
// process presented a spent refresh token, the registry would have
// revoked the session and this would fail.
func checkSessionAlive(t *testing.T, l *loggedIn) {
	t.Helper()
	l.Clock.Advance(oauth.RefreshGrace + time.Second)
	before := l.stored()
	c, err := l.src().Refresh(context.Background(), before.AccessToken)
	if err != nil {
		t.Fatalf("refreshing afterwards: %v", err)
	}
	if c.AccessToken == before.AccessToken || l.whoami(c.AccessToken) != "ada" {
		t.Fatal("the session is not usable afterwards")
	}
}

func TestRefreshForcedForTheStaleToken(t *testing.T) {
	l := newLoggedIn(t, 0)
	// The token is fresh by its expiry, but the registry said it expired
	// (a token_expired challenge): Refresh replaces it all the same.
	c, err := l.src().Refresh(context.Background(), l.creds.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessToken == l.creds.AccessToken || l.refreshes() != 1 {
		t.Fatalf("Refresh of the stored token: new token %v, %d requests", c.AccessToken != l.creds.AccessToken, l.refreshes())
	}
	// Another process, holding the old token, gets the new one without
	// a request.
	again, err := l.src().Refresh(context.Background(), l.creds.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if again.AccessToken != c.AccessToken || l.refreshes() != 1 {
		t.Fatalf("Refresh of a token already replaced: same %v, %d requests", again.AccessToken == c.AccessToken, l.refreshes())
	}
}

// TestRefreshUsesCredentialsStoredMeanwhile: while this process's refresh
// is on its way, the person logs in again from another terminal (with a
// ship that writes the store without the lock) and ends the old session
// on the website. The registry refuses the old refresh token; ship
// re-reads the store and carries on with the new login.
func TestRefreshUsesCredentialsStoredMeanwhile(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(time.Second)
	fresh := l.session(l.user)
	l.Clock.Advance(26 * time.Minute)
	l.setIntercept(func(_ int, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/api/oauth/token" {
			return false
		}
		data, _ := json.Marshal(fresh)
		if err := tokenstore.NewFile(l.dir).Set(l.api, data); err != nil {
			t.Error(err)
		}
		if err := l.OAuth(t).Revoke(context.Background(), auth.ClientID, l.creds.RefreshToken); err != nil {
			t.Error(err)
		}
		return false
	})
	c, err := l.src().Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if c.AccessToken != fresh.AccessToken || c.RefreshToken != fresh.RefreshToken {
		t.Fatal("Token did not return the credentials stored meanwhile")
	}
	if l.whoami(c.AccessToken) != "ada" {
		t.Error("they do not work")
	}
	if n := l.refreshes(); n != 1 {
		t.Errorf("%d refresh requests, want 1", n)
	}
}

// TestRefreshSessionEnded: the session was revoked (logged out on the
// website). Token says the session ended, in the registry's words, and
// keeps the dead credentials so that `ship auth status` can still say
// whose login it was; nothing in the error is a secret.
func TestRefreshSessionEnded(t *testing.T) {
	l := newLoggedIn(t, 0)
	if err := l.OAuth(t).Revoke(context.Background(), auth.ClientID, l.creds.RefreshToken); err != nil {
		t.Fatal(err)
	}
	l.Clock.Advance(26 * time.Minute)
	_, err := l.src().Token(context.Background())
	if !errors.Is(err, auth.ErrSessionEnded) {
		t.Fatalf("Token with a revoked session: %v, want ErrSessionEnded", err)
	}
	if !strings.Contains(err.Error(), "Refresh token has been revoked") {
		t.Errorf("error %q does not give the registry's reason", err)
	}
	checkNoSecrets(t, err, l.creds)
	if got := l.stored(); got.RefreshToken != l.creds.RefreshToken || got.Username != "ada" {
		t.Error("the dead credentials were not kept")
	}
	// Refresh says the same.
	if _, err := l.src().Refresh(context.Background(), l.creds.AccessToken); !errors.Is(err, auth.ErrSessionEnded) {
		t.Fatalf("Refresh with a revoked session: %v, want ErrSessionEnded", err)
	}
}

func checkNoSecrets(t *testing.T, err error, c *auth.Credentials) {
	t.Helper()
	for _, secret := range []string{c.AccessToken, c.RefreshToken} {
		if secret != "" && strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains a token", err)
		}
	}
}

// TestRefreshTransientFailureKeepsCredentials: a 502 or an unreachable
// registry fails the call but spends nothing: the stored credentials stay,
// and once the registry is back the same refresh token works.
func TestRefreshTransientFailureKeepsCredentials(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(26 * time.Minute)
	l.setIntercept(func(_ int, w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, "<html><body>502 Bad Gateway</body></html>", http.StatusBadGateway)
		return true
	})
	_, err := l.src().Token(context.Background())
	if err == nil || errors.Is(err, auth.ErrSessionEnded) {
		t.Fatalf("Token through a 502: %v, want an error that is not ErrSessionEnded", err)
	}
	if !strings.Contains(err.Error(), "502") || strings.Contains(err.Error(), "<html>") {
		t.Errorf("error %q: want the status, not the page", err)
	}
	checkNoSecrets(t, err, l.creds)
	if got := l.stored(); got.AccessToken != l.creds.AccessToken || got.RefreshToken != l.creds.RefreshToken {
		t.Fatal("a failed refresh changed the stored credentials")
	}
	l.setIntercept(nil)
	c, err := l.src().Token(context.Background())
	if err != nil || l.whoami(c.AccessToken) != "ada" {
		t.Fatalf("Token once the registry is back: %v", err)
	}
}

func TestRefreshRegistryUnreachable(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(26 * time.Minute)
	l.Server.Close()
	_, err := l.src().Token(context.Background())
	if err == nil || errors.Is(err, auth.ErrSessionEnded) {
		t.Fatalf("Token with the registry down: %v, want an error that is not ErrSessionEnded", err)
	}
	if got := l.stored(); got.RefreshToken != l.creds.RefreshToken {
		t.Fatal("a failed refresh changed the stored credentials")
	}
}

// TestLockWaitEndsWithTheContext: a process that holds the lock for ever
// does not hang the others past their context.
func TestLockWaitEndsWithTheContext(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Clock.Advance(26 * time.Minute)
	sum := sha256.Sum256([]byte(l.api))
	path := filepath.Join(l.dir, hex.EncodeToString(sum[:])[:16]+".lock")
	held := flock.New(path)
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := l.src().Token(ctx)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Token waiting for a held lock, cancelled: %v", err)
	}
	if n := l.refreshes(); n != 0 {
		t.Errorf("%d refreshes without the lock", n)
	}
}

func TestLockFileIsPrivate(t *testing.T) {
	l := newLoggedIn(t, 0)
	lockDir := filepath.Join(t.TempDir(), "config")
	src := l.source(tokenstore.NewFile(l.dir), lockDir)
	l.Clock.Advance(26 * time.Minute)
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(l.api))
	info, err := os.Stat(filepath.Join(lockDir, hex.EncodeToString(sum[:])[:16]+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode %04o, want 0600", info.Mode().Perm())
	}
	if dir, _ := os.Stat(lockDir); dir.Mode().Perm() != 0o700 {
		t.Errorf("lock directory mode %04o, want 0700", dir.Mode().Perm())
	}
}

func TestTokenNotLoggedIn(t *testing.T) {
	y := newShipyard(t, 0)
	dir := t.TempDir()
	if _, err := y.source(tokenstore.NewFile(dir), dir).Token(context.Background()); !errors.Is(err, auth.ErrNotLoggedIn) {
		t.Fatalf("Token with nothing stored: %v, want ErrNotLoggedIn", err)
	}
}

func TestLoadDamagedCredentials(t *testing.T) {
	st := newMemStore()
	secret := `{"access_token": 12, "refresh_token": "shyr_secret"}`
	st.Set("http://registry.test/api", []byte(secret))
	src := &auth.Source{API: "http://registry.test/api/", Store: st, LockDir: t.TempDir()}
	_, err := src.Load()
	if !errors.Is(err, auth.ErrNotLoggedIn) || strings.Contains(err.Error(), "shyr_secret") {
		t.Fatalf("Load of damaged credentials: %v, want ErrNotLoggedIn without the data", err)
	}
}

// TestSaveLoad: what Save stores, Load returns, under the registry's
// URL with or without its trailing slash.
func TestSaveLoad(t *testing.T) {
	st := newMemStore()
	c := &auth.Credentials{
		AccessToken: "shya_a", RefreshToken: "shyr_r", Username: "ada", Scopes: []string{"api:read", "api:write"},
		IssuedAt: start, ExpiresAt: start.Add(30 * time.Minute),
	}
	if err := (&auth.Source{API: "http://registry.test/api/", Store: st, LockDir: t.TempDir()}).Save(c); err != nil {
		t.Fatal(err)
	}
	got, err := (&auth.Source{API: "http://registry.test/api", Store: st, LockDir: t.TempDir()}).Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("Load after Save:\n got %+v\nwant %+v", got, c)
	}
}

func TestTokenWithoutRefreshToken(t *testing.T) {
	st := newMemStore()
	now := start
	src := &auth.Source{API: "http://registry.test/api", Store: st, LockDir: t.TempDir(), Now: func() time.Time { return now }}
	c := &auth.Credentials{AccessToken: "shya_x", IssuedAt: now, ExpiresAt: now.Add(30 * time.Minute)}
	if err := src.Save(c); err != nil {
		t.Fatal(err)
	}
	now = now.Add(27 * time.Minute)
	if got, err := src.Token(context.Background()); err != nil || got.AccessToken != "shya_x" {
		t.Fatalf("Token near expiry without a refresh token: %v, want the token while it lasts", err)
	}
	now = now.Add(3 * time.Minute)
	if _, err := src.Token(context.Background()); !errors.Is(err, auth.ErrSessionEnded) {
		t.Fatalf("Token past expiry without a refresh token: %v, want ErrSessionEnded", err)
	}
}
