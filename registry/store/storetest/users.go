package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var userCases = []testCase{
	{"UserCreateAndFind", testUserCreateAndFind},
	{"UserNameAndEmailConflicts", testUserConflicts},
	{"UserNotFound", testUserNotFound},
	{"TxUsableAfterConflict", testTxUsableAfterConflict},
}

// Accounts are found by ID, and by name or email whatever their case.
func testUserCreateAndFind(t *testing.T, s store.Store) {
	before := time.Now()
	u := &store.User{Username: "Alice", Email: "Alice@Example.COM", FullName: "Alice Liddell", PasswordHash: "$2b$12$abc"}
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(ctx, u) })
	if u.ID == 0 {
		t.Fatal("CreateUser did not set the ID")
	}
	if u.CreatedAt.Before(before.Add(-time.Second)) || !u.CreatedAt.Equal(u.UpdatedAt) {
		t.Errorf("CreateUser set CreatedAt %v, UpdatedAt %v; want both the current time", u.CreatedAt, u.UpdatedAt)
	}
	other := newUser(t, s, "bob")
	if other.ID == u.ID {
		t.Fatalf("two users got ID %d", u.ID)
	}

	byID, err := s.UserByID(ctx, u.ID)
	must(t, err)
	equal(t, "UserByID", byID, u)
	byName, err := s.UserByName(ctx, "aLICE")
	must(t, err)
	equal(t, "UserByName(aLICE)", byName, u)
	byEmail, err := s.UserByEmail(ctx, "alice@example.com")
	must(t, err)
	equal(t, "UserByEmail(alice@example.com)", byEmail, u)
	bob, err := s.UserByName(ctx, "BOB")
	must(t, err)
	equal(t, "UserByName(BOB)", bob, other)
}

// A name or email taken in any case is a conflict, and the failed Update
// leaves nothing behind.
func testUserConflicts(t *testing.T, s store.Store) {
	newUser(t, s, "alice")
	for _, u := range []*store.User{
		{Username: "ALICE", Email: "other@example.com"},
		{Username: "bob", Email: "ALICE@example.COM"},
	} {
		err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, u) })
		wantErr(t, "CreateUser "+u.Username+" "+u.Email, err, store.ErrConflict)
	}
	_, err := s.UserByName(ctx, "bob")
	wantErr(t, "UserByName(bob) after its conflict", err, store.ErrNotFound)
	_, err = s.UserByEmail(ctx, "other@example.com")
	wantErr(t, "UserByEmail(other@) after its conflict", err, store.ErrNotFound)
}

func testUserNotFound(t *testing.T, s store.Store) {
	u := newUser(t, s, "alice")
	_, err := s.UserByID(ctx, u.ID+1000)
	wantErr(t, "UserByID(missing)", err, store.ErrNotFound)
	_, err = s.UserByName(ctx, "alic")
	wantErr(t, "UserByName(alic)", err, store.ErrNotFound)
	_, err = s.UserByEmail(ctx, "alice@example.co")
	wantErr(t, "UserByEmail(alice@example.co)", err, store.ErrNotFound)
}

// After a write fails with ErrConflict inside Update, fn can still read and
// write, and what it then writes is committed.
func testTxUsableAfterConflict(t *testing.T, s store.Store) {
	newUser(t, s, "alice")
	p := newPackage(t, s, "plug", t0)
	update(t, s, func(tx store.Tx) error {
		err := tx.CreateUser(ctx, &store.User{Username: "Alice", Email: "x@example.com"})
		wantErr(t, "CreateUser(Alice)", err, store.ErrConflict)
		err = tx.CreatePackage(ctx, &store.Package{Name: "plug"})
		wantErr(t, "CreatePackage(plug) again", err, store.ErrConflict)
		err = tx.SetOwner(ctx, p.ID, 999999, store.LevelFull)
		wantErr(t, "SetOwner(missing user)", err, store.ErrNotFound)
		if _, err := tx.UserByName(ctx, "alice"); err != nil {
			return err
		}
		carol := &store.User{Username: "carol", Email: "carol@example.com"}
		if err := tx.CreateUser(ctx, carol); err != nil {
			return err
		}
		return tx.SetOwner(ctx, p.ID, carol.ID, store.LevelFull)
	})
	owners, err := s.Owners(ctx, p.ID)
	must(t, err)
	if len(owners) != 1 || owners[0].User.Username != "carol" {
		t.Errorf("owners after the Update = %s, want carol alone", show(owners))
	}
}
