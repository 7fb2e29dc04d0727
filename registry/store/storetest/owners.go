package storetest

import (
	"testing"

	"github.com/hexship/ship/registry/store"
)

var ownerCases = []testCase{
	{"OwnerSetChangeRemoveList", testOwners},
	{"PackagesOwnedBy", testPackagesOwnedBy},
}

func testOwners(t *testing.T, s store.Store) {
	carol, alice, bob := newUser(t, s, "carol"), newUser(t, s, "alice"), newUser(t, s, "bob")
	p, other := newPackage(t, s, "plug", t0), newPackage(t, s, "cowboy", t0)
	set := func(pkg *store.Package, u *store.User, level store.OwnerLevel) {
		t.Helper()
		update(t, s, func(tx store.Tx) error { return tx.SetOwner(ctx, pkg.ID, u.ID, level) })
	}
	set(p, carol, store.LevelFull)
	set(p, alice, store.LevelMaintainer)
	set(p, bob, store.LevelFull)
	set(other, carol, store.LevelMaintainer)

	owners, err := s.Owners(ctx, p.ID)
	must(t, err)
	equal(t, "Owners, by username", owners, []store.Owner{
		{User: *alice, Level: store.LevelMaintainer},
		{User: *bob, Level: store.LevelFull},
		{User: *carol, Level: store.LevelFull},
	})

	set(p, bob, store.LevelMaintainer)
	set(p, alice, store.LevelFull)
	owners, err = s.Owners(ctx, p.ID)
	must(t, err)
	equal(t, "Owners after level changes", owners, []store.Owner{
		{User: *alice, Level: store.LevelFull},
		{User: *bob, Level: store.LevelMaintainer},
		{User: *carol, Level: store.LevelFull},
	})

	update(t, s, func(tx store.Tx) error { return tx.RemoveOwner(ctx, p.ID, bob.ID) })
	owners, err = s.Owners(ctx, p.ID)
	must(t, err)
	equal(t, "Owners after removing bob", owners, []store.Owner{
		{User: *alice, Level: store.LevelFull},
		{User: *carol, Level: store.LevelFull},
	})
	err = s.Update(ctx, func(tx store.Tx) error { return tx.RemoveOwner(ctx, p.ID, bob.ID) })
	wantErr(t, "RemoveOwner(bob) again", err, store.ErrNotFound)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.RemoveOwner(ctx, other.ID, alice.ID) })
	wantErr(t, "RemoveOwner of a user owning another package", err, store.ErrNotFound)

	owners, err = s.Owners(ctx, other.ID)
	must(t, err)
	equal(t, "other package's owners", owners, []store.Owner{{User: *carol, Level: store.LevelMaintainer}})

	missing := carol.ID + alice.ID + bob.ID + 100
	err = s.Update(ctx, func(tx store.Tx) error { return tx.SetOwner(ctx, p.ID, missing, store.LevelFull) })
	wantErr(t, "SetOwner(missing user)", err, store.ErrNotFound)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.SetOwner(ctx, p.ID+other.ID+100, alice.ID, store.LevelFull) })
	wantErr(t, "SetOwner(missing package)", err, store.ErrNotFound)
}

func testPackagesOwnedBy(t *testing.T, s store.Store) {
	alice, bob, dan := newUser(t, s, "alice"), newUser(t, s, "bob"), newUser(t, s, "dan")
	for _, name := range []string{"zeta", "alpha", "mid", "unowned"} {
		newPackage(t, s, name, t0)
	}
	update(t, s, func(tx store.Tx) error {
		for _, o := range []struct {
			pkg   string
			user  *store.User
			level store.OwnerLevel
		}{
			{"zeta", alice, store.LevelFull},
			{"alpha", alice, store.LevelMaintainer},
			{"mid", alice, store.LevelFull},
			{"mid", bob, store.LevelMaintainer},
		} {
			p, err := tx.Package(ctx, o.pkg)
			if err != nil {
				return err
			}
			if err := tx.SetOwner(ctx, p.ID, o.user.ID, o.level); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct {
		user *store.User
		want []string
	}{
		{alice, []string{"alpha", "mid", "zeta"}},
		{bob, []string{"mid"}},
		{dan, []string{}},
	} {
		ps, err := s.PackagesOwnedBy(ctx, c.user.ID)
		must(t, err)
		equal(t, "PackagesOwnedBy("+c.user.Username+")", names(ps), c.want)
	}
	ps, err := s.PackagesOwnedBy(ctx, alice.ID)
	must(t, err)
	p, err := s.Package(ctx, "alpha")
	must(t, err)
	equal(t, "PackagesOwnedBy's alpha", ps[0], *p)
}
