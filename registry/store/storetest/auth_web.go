package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var webSessionCases = []testCase{
	{"WebSessionCreateFindUpdate", testWebSession},
	{"WebSessionDelete", testWebSessionDelete},
}

// newWebSession creates a website session of the user whose lookup is
// lookup.
func newWebSession(t *testing.T, s store.Store, userID int64, lookup string, expires time.Time) *store.WebSession {
	t.Helper()
	w := &store.WebSession{Lookup: lookup, UserID: userID, Pending2FA: true, CreatedAt: t0, ExpiresAt: expires}
	update(t, s, func(tx store.Tx) error { return tx.CreateWebSession(ctx, w) })
	return w
}

// wantWebSession checks that the lookup finds want, or nothing when want
// is nil.
func wantWebSession(t *testing.T, r store.Reader, lookup string, want *store.WebSession) {
	t.Helper()
	got, err := r.WebSessionByLookup(ctx, lookup)
	if want == nil {
		wantErr(t, "WebSessionByLookup("+lookup+")", err, store.ErrNotFound)
		return
	}
	must(t, err)
	equal(t, "WebSessionByLookup("+lookup+")", got, want)
}

// A session is found by its lookup; an update stores what it promises to
// and nothing else.
func testWebSession(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	w := newWebSession(t, s, alice.ID, "w1", at(time.Hour))
	other := newWebSession(t, s, alice.ID, "w2", at(time.Hour))
	if w.ID == 0 || w.ID == other.ID {
		t.Fatalf("web session IDs %d, %d", w.ID, other.ID)
	}
	wantWebSession(t, s, "w1", w)
	wantWebSession(t, s, "w3", nil)

	sudo := at(time.Minute)
	changed := *w
	changed.Lookup, changed.UserID, changed.CreatedAt = "ignored", alice.ID+1000, at(99*time.Hour) // not stored by an update
	changed.Pending2FA, changed.SudoAt, changed.ExpiresAt = false, &sudo, at(2*time.Hour)
	changed.LastUse = &store.KeyUse{At: at(time.Minute), IP: "192.0.2.4", UserAgent: "Firefox"}
	update(t, s, func(tx store.Tx) error { return tx.UpdateWebSession(ctx, &changed) })
	want := *w
	want.Pending2FA, want.SudoAt, want.ExpiresAt, want.LastUse = false, &sudo, at(2*time.Hour), changed.LastUse
	wantWebSession(t, s, "w1", &want)
	wantWebSession(t, s, "ignored", nil)

	// Nil clears.
	changed.SudoAt, changed.LastUse = nil, nil
	update(t, s, func(tx store.Tx) error { return tx.UpdateWebSession(ctx, &changed) })
	want.SudoAt, want.LastUse = nil, nil
	wantWebSession(t, s, "w1", &want)
	wantWebSession(t, s, "w2", other)

	missing := *w
	missing.ID = w.ID + other.ID + 100
	err := s.Update(ctx, func(tx store.Tx) error { return tx.UpdateWebSession(ctx, &missing) })
	wantErr(t, "UpdateWebSession(missing)", err, store.ErrNotFound)

	for _, c := range []struct {
		what   string
		w      store.WebSession
		target error
	}{
		{"same lookup", store.WebSession{Lookup: "w1", UserID: alice.ID, CreatedAt: t0, ExpiresAt: at(time.Hour)}, store.ErrConflict},
		{"missing user", store.WebSession{Lookup: "w4", UserID: alice.ID + 1000, CreatedAt: t0, ExpiresAt: at(time.Hour)}, store.ErrNotFound},
	} {
		err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateWebSession(ctx, &c.w) })
		wantErr(t, "CreateWebSession with "+c.what, err, c.target)
	}
	wantWebSession(t, s, "w1", &want)
	wantWebSession(t, s, "w4", nil)
}

// Logging out removes one session; DeleteWebSessions removes all of a
// user's but the one kept, and no other user's.
func testWebSessionDelete(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	a1 := newWebSession(t, s, alice.ID, "a1", at(time.Hour))
	a2 := newWebSession(t, s, alice.ID, "a2", at(time.Hour))
	a3 := newWebSession(t, s, alice.ID, "a3", at(time.Hour))
	newWebSession(t, s, alice.ID, "a4", at(time.Hour))
	b1 := newWebSession(t, s, bob.ID, "b1", at(time.Hour))

	update(t, s, func(tx store.Tx) error { return tx.DeleteWebSession(ctx, a1.ID) })
	wantWebSession(t, s, "a1", nil)
	wantWebSession(t, s, "a2", a2)
	update(t, s, func(tx store.Tx) error { return tx.DeleteWebSession(ctx, a1.ID) }) // absent: no error

	update(t, s, func(tx store.Tx) error { return tx.DeleteWebSessions(ctx, alice.ID, a3.ID) })
	wantWebSession(t, s, "a2", nil)
	wantWebSession(t, s, "a3", a3)
	wantWebSession(t, s, "a4", nil)
	wantWebSession(t, s, "b1", b1)

	// Keeping another user's session keeps none of this user's.
	update(t, s, func(tx store.Tx) error { return tx.DeleteWebSessions(ctx, alice.ID, b1.ID) })
	wantWebSession(t, s, "a3", nil)
	wantWebSession(t, s, "b1", b1)

	newWebSession(t, s, alice.ID, "a5", at(time.Hour))
	update(t, s, func(tx store.Tx) error { return tx.DeleteWebSessions(ctx, alice.ID, 0) })
	wantWebSession(t, s, "a5", nil)
	wantWebSession(t, s, "b1", b1)
}
