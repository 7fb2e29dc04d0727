package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var keyCases = []testCase{
	{"KeyCreateFindList", testKeyCreateFindList},
	{"KeyConflicts", testKeyConflicts},
	{"KeyRevokeAndReuseName", testKeyRevoke},
	{"KeyRevokeAll", testKeyRevokeAll},
	{"KeyTouch", testKeyTouch},
}

// newKey creates a key of user named name whose lookup is lookup.
func newKey(t *testing.T, s store.Store, userID int64, name, lookup string) *store.Key {
	t.Helper()
	k := &store.Key{
		UserID: userID, Name: name, Lookup: lookup, Verify: "verify-" + lookup,
		Permissions: []store.Permission{{Domain: "api", Resource: "write"}, {Domain: "package", Resource: "hexpm/" + name}},
	}
	update(t, s, func(tx store.Tx) error { return tx.CreateKey(ctx, k) })
	return k
}

func testKeyCreateFindList(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	laptop := newKey(t, s, alice.ID, "laptop", "l1")
	if laptop.ID == 0 || laptop.CreatedAt.IsZero() || laptop.RevokedAt != nil || laptop.LastUse != nil {
		t.Fatalf("CreateKey left %s", show(laptop))
	}
	ci := newKey(t, s, alice.ID, "ci", "l2")
	bobs := newKey(t, s, bob.ID, "laptop", "l3") // names are per user

	got, err := s.KeyByLookup(ctx, "l1")
	must(t, err)
	equal(t, "KeyByLookup(l1)", got, laptop)
	got, err = s.KeyByName(ctx, alice.ID, "ci")
	must(t, err)
	equal(t, "KeyByName(alice, ci)", got, ci)
	got, err = s.KeyByName(ctx, bob.ID, "laptop")
	must(t, err)
	equal(t, "KeyByName(bob, laptop)", got, bobs)

	keys, err := s.Keys(ctx, alice.ID)
	must(t, err)
	equal(t, "Keys(alice), oldest first", keys, []store.Key{*laptop, *ci})
	keys, err = s.Keys(ctx, bob.ID+alice.ID+100)
	must(t, err)
	if len(keys) != 0 {
		t.Errorf("Keys(no such user) = %s", show(keys))
	}

	_, err = s.KeyByLookup(ctx, "l9")
	wantErr(t, "KeyByLookup(l9)", err, store.ErrNotFound)
	_, err = s.KeyByName(ctx, bob.ID, "ci")
	wantErr(t, "KeyByName(bob, ci)", err, store.ErrNotFound)
}

func testKeyConflicts(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	newKey(t, s, alice.ID, "laptop", "l1")
	for _, c := range []struct {
		what   string
		key    store.Key
		target error
	}{
		{"same name", store.Key{UserID: alice.ID, Name: "laptop", Lookup: "l2", Verify: "v"}, store.ErrConflict},
		{"same lookup", store.Key{UserID: alice.ID, Name: "desktop", Lookup: "l1", Verify: "v"}, store.ErrConflict},
		{"missing user", store.Key{UserID: alice.ID + 1000, Name: "x", Lookup: "l3", Verify: "v"}, store.ErrNotFound},
	} {
		err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateKey(ctx, &c.key) })
		wantErr(t, "CreateKey with "+c.what, err, c.target)
	}
	keys, err := s.Keys(ctx, alice.ID)
	must(t, err)
	if len(keys) != 1 {
		t.Errorf("Keys after the conflicts = %s, want laptop alone", show(keys))
	}
}

// A revoked key is still found by lookup (as revoked), leaves the list, and
// frees its name.
func testKeyRevoke(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	old := newKey(t, s, alice.ID, "laptop", "l1")
	other := newKey(t, s, alice.ID, "ci", "l2")

	var revoked *store.Key
	update(t, s, func(tx store.Tx) (err error) {
		revoked, err = tx.RevokeKey(ctx, alice.ID, "laptop", at(0))
		return err
	})
	want := *old
	want.RevokedAt, want.UpdatedAt = &t0, t0
	equal(t, "RevokeKey's key", revoked, &want)
	got, err := s.KeyByLookup(ctx, "l1")
	must(t, err)
	equal(t, "KeyByLookup of the revoked key", got, &want)
	keys, err := s.Keys(ctx, alice.ID)
	must(t, err)
	equal(t, "Keys after revoking laptop", keys, []store.Key{*other})

	for _, name := range []string{"laptop", "never"} {
		err := s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.RevokeKey(ctx, alice.ID, name, at(time.Second))
			return err
		})
		wantErr(t, "RevokeKey("+name+")", err, store.ErrNotFound)
	}

	// The name is free again; KeyByName prefers the live key.
	reused := newKey(t, s, alice.ID, "laptop", "l3")
	got, err = s.KeyByName(ctx, alice.ID, "laptop")
	must(t, err)
	equal(t, "KeyByName(laptop) after reuse", got, reused)
	got, err = s.KeyByLookup(ctx, "l1")
	must(t, err)
	equal(t, "KeyByLookup(l1) after reuse", got, &want)
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateKey(ctx, &store.Key{UserID: alice.ID, Name: "laptop", Lookup: "l4", Verify: "v"})
	})
	wantErr(t, "a second live key named laptop", err, store.ErrConflict)
	keys, err = s.Keys(ctx, alice.ID)
	must(t, err)
	equal(t, "Keys after reuse", keys, []store.Key{*other, *reused})
}

func testKeyRevokeAll(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	a1 := newKey(t, s, alice.ID, "one", "l1")
	newKey(t, s, alice.ID, "two", "l2")
	a3 := newKey(t, s, alice.ID, "three", "l3")
	b1 := newKey(t, s, bob.ID, "one", "l4")
	update(t, s, func(tx store.Tx) error {
		_, err := tx.RevokeKey(ctx, alice.ID, "two", at(0))
		return err
	})

	var revoked []store.Key
	update(t, s, func(tx store.Tx) (err error) {
		revoked, err = tx.RevokeAllKeys(ctx, alice.ID, at(time.Second))
		return err
	})
	w1, w3 := *a1, *a3
	when := at(time.Second)
	w1.RevokedAt, w1.UpdatedAt = &when, when
	w3.RevokedAt, w3.UpdatedAt = &when, when
	equal(t, "RevokeAllKeys", revoked, []store.Key{w1, w3})

	got, err := s.KeyByLookup(ctx, "l2") // revoked before: untouched
	must(t, err)
	if got.RevokedAt == nil || !got.RevokedAt.Equal(t0) {
		t.Errorf("key two revoked at %v, want %v", got.RevokedAt, t0)
	}
	keys, err := s.Keys(ctx, alice.ID)
	must(t, err)
	if len(keys) != 0 {
		t.Errorf("Keys(alice) after RevokeAllKeys = %s", show(keys))
	}
	keys, err = s.Keys(ctx, bob.ID)
	must(t, err)
	equal(t, "Keys(bob)", keys, []store.Key{*b1})

	update(t, s, func(tx store.Tx) (err error) {
		revoked, err = tx.RevokeAllKeys(ctx, alice.ID, at(2*time.Second))
		return err
	})
	if len(revoked) != 0 {
		t.Errorf("second RevokeAllKeys = %s, want none", show(revoked))
	}
}

func testKeyTouch(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	k := newKey(t, s, alice.ID, "laptop", "l1")
	other := newKey(t, s, alice.ID, "ci", "l2")
	for _, use := range []store.KeyUse{
		{At: at(0), IP: "192.0.2.1", UserAgent: "ship/1.0"},
		{At: at(5 * time.Second), IP: "2001:db8::1", UserAgent: "rebar3/3.22"},
	} {
		update(t, s, func(tx store.Tx) error { return tx.TouchKey(ctx, k.ID, use) })
		got, err := s.KeyByLookup(ctx, "l1")
		must(t, err)
		equal(t, "LastUse after touch", got.LastUse, &use)
	}
	got, err := s.KeyByLookup(ctx, "l2")
	must(t, err)
	equal(t, "untouched key", got, other)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.TouchKey(ctx, other.ID+k.ID+100, store.KeyUse{At: t0}) })
	wantErr(t, "TouchKey(missing)", err, store.ErrNotFound)
}
