package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var timeCases = []testCase{
	{"TimesMicrosecondsUTC", testTimes},
}

// Times given in any zone with nanoseconds come back in UTC, within a
// microsecond, and two times a microsecond apart stay a microsecond apart.
func testTimes(t *testing.T, s store.Store) {
	zone := time.FixedZone("UTC+05:30", 5*3600+1800)
	base := time.Date(2024, 5, 6, 7, 8, 9, 123456789, zone)
	check := func(what string, got, want time.Time) {
		t.Helper()
		if got.Location() != time.UTC {
			t.Errorf("%s: location %v, want UTC", what, got.Location())
		}
		if d := got.Sub(want); d <= -time.Microsecond || d >= time.Microsecond {
			t.Errorf("%s: %v, want %v to the microsecond", what, got, want)
		}
	}

	alice := newUser(t, s, "alice")
	before := time.Now()
	bob := newUser(t, s, "bob")
	got, err := s.UserByID(ctx, bob.ID)
	must(t, err)
	if got.CreatedAt.Location() != time.UTC || got.CreatedAt.Before(before.Add(-time.Microsecond)) {
		t.Errorf("CreateUser's CreatedAt %v: want the current time in UTC", got.CreatedAt)
	}

	p1 := &store.Package{Name: "one", UpdatedAt: base}
	p2 := &store.Package{Name: "two", UpdatedAt: base.Add(time.Microsecond)}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreatePackage(ctx, p1); err != nil {
			return err
		}
		return tx.CreatePackage(ctx, p2)
	})
	g1, err := s.Package(ctx, "one")
	must(t, err)
	g2, err := s.Package(ctx, "two")
	must(t, err)
	check("package CreatedAt", g1.CreatedAt, base)
	check("package UpdatedAt", g1.UpdatedAt, base)
	if d := g2.UpdatedAt.Sub(g1.UpdatedAt); d != time.Microsecond {
		t.Errorf("times a microsecond apart came back %v apart", d)
	}

	p1.UpdatedAt = base.Add(time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.UpdatePackage(ctx, p1) })
	g1, err = s.Package(ctx, "one")
	must(t, err)
	check("package UpdatedAt after UpdatePackage", g1.UpdatedAt, base.Add(time.Hour))

	r := newRelease(p1, "1.0.0", base)
	r.UpdatedAt = base.Add(time.Minute)
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, r) })
	update(t, s, func(tx store.Tx) error {
		return tx.SetRetirement(ctx, r.ID, &store.Retirement{Reason: "other"}, base.Add(2*time.Minute))
	})
	gr, err := s.Release(ctx, p1.ID, "1.0.0")
	must(t, err)
	check("release CreatedAt", gr.CreatedAt, base)
	check("release UpdatedAt after SetRetirement", gr.UpdatedAt, base.Add(2*time.Minute))

	k := &store.Key{UserID: alice.ID, Name: "k", Lookup: "l", Verify: "v"}
	update(t, s, func(tx store.Tx) error { return tx.CreateKey(ctx, k) })
	update(t, s, func(tx store.Tx) error { return tx.TouchKey(ctx, k.ID, store.KeyUse{At: base, IP: "192.0.2.1"}) })
	update(t, s, func(tx store.Tx) error {
		_, err := tx.RevokeKey(ctx, alice.ID, "k", base.Add(time.Second))
		return err
	})
	gk, err := s.KeyByLookup(ctx, "l")
	must(t, err)
	check("key last use", gk.LastUse.At, base)
	check("key RevokedAt", *gk.RevokedAt, base.Add(time.Second))

	f := &store.RepoFile{Path: "names", Body: []byte("x"), ETag: "e", UpdatedAt: base}
	update(t, s, func(tx store.Tx) error { return tx.PutRepoFile(ctx, f) })
	gf, err := s.RepoFile(ctx, "names")
	must(t, err)
	check("repository file UpdatedAt", gf.UpdatedAt, base)
}
