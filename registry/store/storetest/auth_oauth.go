package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var oauthSessionCases = []testCase{
	{"OAuthSessionCreateFindList", testOAuthSessionList},
	{"OAuthSessionTouch", testOAuthSessionTouch},
	{"OAuthSessionRevoke", testOAuthSessionRevoke},
	{"OAuthSessionRevokeAll", testOAuthSessionRevokeAll},
}

var oauthTokenCases = []testCase{
	{"OAuthTokenCreateFind", testOAuthTokenCreateFind},
	{"OAuthTokenRotateOnce", testOAuthTokenRotate},
	{"OAuthTokenConcurrentRotateOnce", testOAuthTokenConcurrentRotate},
	{"OAuthTokenRevoke", testOAuthTokenRevoke},
}

// newSession creates a session of the user, created and expiring at the
// times given.
func newSession(t *testing.T, s store.Store, userID int64, created, expires time.Time) *store.OAuthSession {
	t.Helper()
	sess := &store.OAuthSession{
		UserID: userID, ClientID: "hex_cli", Name: fmt.Sprintf("device %v", created.Sub(t0)),
		Scopes: []string{"api:write", "repositories"}, CreatedAt: created, ExpiresAt: expires,
	}
	update(t, s, func(tx store.Tx) error { return tx.CreateOAuthSession(ctx, sess) })
	return sess
}

// newToken creates a token of the session whose hash is hash.
func newToken(t *testing.T, s store.Store, sessionID int64, kind store.TokenKind, hash string, parentID int64) *store.OAuthToken {
	t.Helper()
	tok := &store.OAuthToken{SessionID: sessionID, Kind: kind, Hash: hash, ParentID: parentID, CreatedAt: t0, ExpiresAt: at(time.Hour)}
	update(t, s, func(tx store.Tx) error { return tx.CreateOAuthToken(ctx, tok) })
	return tok
}

// sessions is OAuthSessions, failing the test on an error.
func sessions(t *testing.T, r store.Reader, userID int64, when time.Time) []store.OAuthSession {
	t.Helper()
	list, err := r.OAuthSessions(ctx, userID, when)
	must(t, err)
	return list
}

// sessionIDs are the IDs of a list of sessions, in order.
func sessionIDs(list []store.OAuthSession) []int64 {
	ids := []int64{}
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// OAuthSession finds any session; OAuthSessions lists a user's live ones
// at a time, newest first.
func testOAuthSessionList(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	key := newKey(t, s, alice.ID, "ci", "l1")
	older := newSession(t, s, alice.ID, t0, at(day))
	newer := newSession(t, s, alice.ID, at(time.Minute), at(day))
	tied := newSession(t, s, alice.ID, at(time.Minute), at(day)) // same time: the later ID is newer
	short := newSession(t, s, alice.ID, at(2*time.Minute), at(time.Hour))
	revoked := newSession(t, s, alice.ID, at(3*time.Minute), at(day))
	update(t, s, func(tx store.Tx) error { return tx.RevokeOAuthSession(ctx, revoked.ID, at(4*time.Minute)) })
	bobs := newSession(t, s, bob.ID, at(time.Minute), at(day))
	exchanged := &store.OAuthSession{UserID: alice.ID, ClientID: "hex_cli", KeyID: key.ID, CreatedAt: at(-time.Hour), ExpiresAt: at(day)}
	update(t, s, func(tx store.Tx) error { return tx.CreateOAuthSession(ctx, exchanged) })
	if older.ID == 0 || older.ID == newer.ID {
		t.Fatalf("session IDs %d and %d", older.ID, newer.ID)
	}

	got, err := s.OAuthSession(ctx, older.ID)
	must(t, err)
	equal(t, "OAuthSession(older)", got, older)
	got, err = s.OAuthSession(ctx, exchanged.ID)
	must(t, err)
	equal(t, "OAuthSession of an API key exchange (no scopes)", got, exchanged)
	got, err = s.OAuthSession(ctx, revoked.ID)
	must(t, err)
	if got.RevokedAt == nil || !got.RevokedAt.Equal(at(4*time.Minute)) {
		t.Errorf("OAuthSession(revoked).RevokedAt = %v", got.RevokedAt)
	}
	_, err = s.OAuthSession(ctx, bobs.ID+exchanged.ID+100)
	wantErr(t, "OAuthSession(missing)", err, store.ErrNotFound)

	equal(t, "OAuthSessions(alice) at t0+5m", sessions(t, s, alice.ID, at(5*time.Minute)),
		[]store.OAuthSession{*short, *tied, *newer, *older, *exchanged})
	// A session expiring exactly at `at` has expired.
	equal(t, "OAuthSessions(alice) when short expires", sessionIDs(sessions(t, s, alice.ID, short.ExpiresAt)),
		[]int64{tied.ID, newer.ID, older.ID, exchanged.ID})
	equal(t, "OAuthSessions(alice) a microsecond before", sessionIDs(sessions(t, s, alice.ID, short.ExpiresAt.Add(-time.Microsecond))),
		[]int64{short.ID, tied.ID, newer.ID, older.ID, exchanged.ID})
	equal(t, "OAuthSessions(alice) after all expired", sessionIDs(sessions(t, s, alice.ID, at(2*day))), []int64{})
	equal(t, "OAuthSessions(bob)", sessions(t, s, bob.ID, t0), []store.OAuthSession{*bobs})

	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateOAuthSession(ctx, &store.OAuthSession{UserID: bob.ID + 1000, ClientID: "c", CreatedAt: t0, ExpiresAt: at(day)})
	})
	wantErr(t, "CreateOAuthSession(missing user)", err, store.ErrNotFound)
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateOAuthSession(ctx, &store.OAuthSession{UserID: bob.ID, ClientID: "c", KeyID: key.ID + 1000, CreatedAt: t0, ExpiresAt: at(day)})
	})
	wantErr(t, "CreateOAuthSession(missing key)", err, store.ErrNotFound)
	equal(t, "OAuthSessions(bob) after the refusals", sessionIDs(sessions(t, s, bob.ID, t0)), []int64{bobs.ID})
}

func testOAuthSessionTouch(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	sess := newSession(t, s, alice.ID, t0, at(day))
	other := newSession(t, s, alice.ID, t0, at(day))
	for _, use := range []store.KeyUse{
		{At: at(time.Second), IP: "192.0.2.1", UserAgent: "mix_hex/2.1"},
		{At: at(time.Minute), IP: "2001:db8::1", UserAgent: "rebar3/3.24"},
	} {
		update(t, s, func(tx store.Tx) error { return tx.TouchOAuthSession(ctx, sess.ID, use) })
		got, err := s.OAuthSession(ctx, sess.ID)
		must(t, err)
		want := *sess
		want.LastUse = &use
		equal(t, "session after TouchOAuthSession", got, &want)
	}
	got, err := s.OAuthSession(ctx, other.ID)
	must(t, err)
	equal(t, "untouched session", got, other)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.TouchOAuthSession(ctx, other.ID+100, store.KeyUse{At: t0}) })
	wantErr(t, "TouchOAuthSession(missing)", err, store.ErrNotFound)
}

// A revoked session keeps its first revocation time, and its tokens are
// revoked with it.
func testOAuthSessionRevoke(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	sess := newSession(t, s, alice.ID, t0, at(day))
	other := newSession(t, s, alice.ID, t0, at(day))
	access := newToken(t, s, sess.ID, store.AccessToken, "a1", 0)
	newToken(t, s, sess.ID, store.RefreshToken, "r1", 0)
	keep := newToken(t, s, other.ID, store.RefreshToken, "r2", 0)
	update(t, s, func(tx store.Tx) error { return tx.RevokeOAuthToken(ctx, access.ID, at(time.Second)) })

	update(t, s, func(tx store.Tx) error { return tx.RevokeOAuthSession(ctx, sess.ID, at(time.Minute)) })
	update(t, s, func(tx store.Tx) error { return tx.RevokeOAuthSession(ctx, sess.ID, at(time.Hour)) })
	got, err := s.OAuthSession(ctx, sess.ID)
	must(t, err)
	want := *sess
	first := at(time.Minute)
	want.RevokedAt = &first
	equal(t, "session revoked twice", got, &want)
	for hash, when := range map[string]time.Time{"a1": at(time.Second), "r1": first} {
		tok, err := s.OAuthTokenByHash(ctx, hash)
		must(t, err)
		if tok.RevokedAt == nil || !tok.RevokedAt.Equal(when) {
			t.Errorf("token %s of the revoked session: RevokedAt %v, want %v", hash, tok.RevokedAt, when)
		}
	}
	tok, err := s.OAuthTokenByHash(ctx, "r2")
	must(t, err)
	equal(t, "token of the other session", tok, keep)
	got, err = s.OAuthSession(ctx, other.ID)
	must(t, err)
	equal(t, "the other session", got, other)
	equal(t, "OAuthSessions after the revocation", sessionIDs(sessions(t, s, alice.ID, t0)), []int64{other.ID})

	err = s.Update(ctx, func(tx store.Tx) error { return tx.RevokeOAuthSession(ctx, other.ID+100, t0) })
	wantErr(t, "RevokeOAuthSession(missing)", err, store.ErrNotFound)
}

// RevokeOAuthSessions revokes the user's live sessions and counts them;
// one revoked before keeps its time, another user's are untouched.
func testOAuthSessionRevokeAll(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	a1 := newSession(t, s, alice.ID, t0, at(day))
	a2 := newSession(t, s, alice.ID, at(time.Second), at(day))
	a3 := newSession(t, s, alice.ID, at(2*time.Second), at(day))
	b1 := newSession(t, s, bob.ID, t0, at(day))
	tok := newToken(t, s, a1.ID, store.RefreshToken, "r1", 0)
	update(t, s, func(tx store.Tx) error { return tx.RevokeOAuthSession(ctx, a2.ID, at(time.Minute)) })

	var n int
	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.RevokeOAuthSessions(ctx, alice.ID, at(time.Hour))
		return err
	})
	if n != 2 {
		t.Errorf("RevokeOAuthSessions = %d, want 2", n)
	}
	for id, when := range map[int64]time.Time{a1.ID: at(time.Hour), a2.ID: at(time.Minute), a3.ID: at(time.Hour)} {
		got, err := s.OAuthSession(ctx, id)
		must(t, err)
		if got.RevokedAt == nil || !got.RevokedAt.Equal(when) {
			t.Errorf("session %d revoked at %v, want %v", id, got.RevokedAt, when)
		}
	}
	gt, err := s.OAuthTokenByHash(ctx, tok.Hash)
	must(t, err)
	if gt.RevokedAt == nil || !gt.RevokedAt.Equal(at(time.Hour)) {
		t.Errorf("token of a revoked session: RevokedAt %v", gt.RevokedAt)
	}
	equal(t, "OAuthSessions(alice)", sessionIDs(sessions(t, s, alice.ID, t0)), []int64{})
	equal(t, "OAuthSessions(bob)", sessions(t, s, bob.ID, t0), []store.OAuthSession{*b1})

	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.RevokeOAuthSessions(ctx, alice.ID, at(2*time.Hour))
		return err
	})
	if n != 0 {
		t.Errorf("second RevokeOAuthSessions = %d, want 0", n)
	}
}

// Tokens of either kind are found by hash; a hash is never reused, and a
// token belongs to a session that exists.
func testOAuthTokenCreateFind(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	sess := newSession(t, s, alice.ID, t0, at(day))
	access := newToken(t, s, sess.ID, store.AccessToken, "a1", 0)
	refresh := newToken(t, s, sess.ID, store.RefreshToken, "r1", 0)
	child := newToken(t, s, sess.ID, store.RefreshToken, "r2", refresh.ID)
	if access.ID == 0 || access.ID == refresh.ID {
		t.Fatalf("token IDs %d, %d", access.ID, refresh.ID)
	}
	for _, want := range []*store.OAuthToken{access, refresh, child} {
		got, err := s.OAuthTokenByHash(ctx, want.Hash)
		must(t, err)
		equal(t, "OAuthTokenByHash("+want.Hash+")", got, want)
	}
	_, err := s.OAuthTokenByHash(ctx, "nope")
	wantErr(t, "OAuthTokenByHash(unknown)", err, store.ErrNotFound)

	for _, c := range []struct {
		what   string
		tok    store.OAuthToken
		target error
	}{
		{"same hash", store.OAuthToken{SessionID: sess.ID, Kind: store.AccessToken, Hash: "r1", CreatedAt: t0, ExpiresAt: at(time.Hour)}, store.ErrConflict},
		{"missing session", store.OAuthToken{SessionID: sess.ID + 100, Kind: store.AccessToken, Hash: "x1", CreatedAt: t0, ExpiresAt: at(time.Hour)}, store.ErrNotFound},
	} {
		err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateOAuthToken(ctx, &c.tok) })
		wantErr(t, "CreateOAuthToken with "+c.what, err, c.target)
	}
	_, err = s.OAuthTokenByHash(ctx, "x1")
	wantErr(t, "OAuthTokenByHash of the refused token", err, store.ErrNotFound)
	got, err := s.OAuthTokenByHash(ctx, "r1")
	must(t, err)
	equal(t, "r1 after the conflict", got, refresh)
}

// A refresh token is rotated once: the first rotation reports true and
// records its time, every later one false without changing it.
func testOAuthTokenRotate(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	sess := newSession(t, s, alice.ID, t0, at(day))
	tok := newToken(t, s, sess.ID, store.RefreshToken, "r1", 0)
	other := newToken(t, s, sess.ID, store.RefreshToken, "r2", 0)
	for i, when := range []time.Time{at(time.Minute), at(time.Minute), at(time.Hour)} {
		var ok bool
		update(t, s, func(tx store.Tx) (err error) {
			ok, err = tx.RotateOAuthToken(ctx, tok.ID, when)
			return err
		})
		if ok != (i == 0) {
			t.Errorf("rotation %d reported %v", i, ok)
		}
		got, err := s.OAuthTokenByHash(ctx, "r1")
		must(t, err)
		want := *tok
		first := at(time.Minute)
		want.RotatedAt = &first
		equal(t, fmt.Sprintf("token after rotation %d", i), got, &want)
	}
	got, err := s.OAuthTokenByHash(ctx, "r2")
	must(t, err)
	equal(t, "the other token", got, other)
	err = s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.RotateOAuthToken(ctx, other.ID+100, t0)
		return err
	})
	wantErr(t, "RotateOAuthToken(missing)", err, store.ErrNotFound)
}

// Many requests presenting one refresh token at once, each in its own
// Update: exactly one of them consumes it.
func testOAuthTokenConcurrentRotate(t *testing.T, s store.Store) {
	const n = 16
	alice := newUser(t, s, "alice")
	sess := newSession(t, s, alice.ID, t0, at(day))
	tok := newToken(t, s, sess.ID, store.RefreshToken, "r1", 0)
	var winners atomic.Int32
	errs := race(n, func(i int) error {
		var ok bool
		err := s.Update(ctx, func(tx store.Tx) (err error) {
			ok, err = tx.RotateOAuthToken(ctx, tok.ID, at(time.Duration(i)*time.Second))
			return err
		})
		if err == nil && ok {
			winners.Add(1)
		}
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if got := winners.Load(); got != 1 {
		t.Errorf("%d rotations reported true, want exactly 1", got)
	}
	got, err := s.OAuthTokenByHash(ctx, "r1")
	must(t, err)
	if got.RotatedAt == nil {
		t.Error("the token is not rotated")
	}
}

// A token's revocation keeps its first time.
func testOAuthTokenRevoke(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	sess := newSession(t, s, alice.ID, t0, at(day))
	tok := newToken(t, s, sess.ID, store.AccessToken, "a1", 0)
	other := newToken(t, s, sess.ID, store.AccessToken, "a2", 0)
	update(t, s, func(tx store.Tx) error { return tx.RevokeOAuthToken(ctx, tok.ID, at(time.Minute)) })
	update(t, s, func(tx store.Tx) error { return tx.RevokeOAuthToken(ctx, tok.ID, at(time.Hour)) })
	got, err := s.OAuthTokenByHash(ctx, "a1")
	must(t, err)
	want := *tok
	first := at(time.Minute)
	want.RevokedAt = &first
	equal(t, "token revoked twice", got, &want)
	got, err = s.OAuthTokenByHash(ctx, "a2")
	must(t, err)
	equal(t, "the other token", got, other)
	got2, err := s.OAuthSession(ctx, sess.ID)
	must(t, err)
	equal(t, "the token's session", got2, sess)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.RevokeOAuthToken(ctx, other.ID+100, t0) })
	wantErr(t, "RevokeOAuthToken(missing)", err, store.ErrNotFound)
}
