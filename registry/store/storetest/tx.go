package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/hexship/ship/registry/store"
)

var txCases = []testCase{
	{"UpdateErrorWritesNothing", testUpdateError},
	{"UpdatePanicWritesNothing", testUpdatePanic},
	{"UpdateContextEndedWritesNothing", testUpdateContextEnded},
	{"TxReadsOwnWritesStoreDoesNot", testTxReadsOwnWrites},
}

// writeEverything makes one write of each kind, as a publish and an
// account set-up would.
func writeEverything(tx store.Tx, ownerOf *store.Package) error {
	u := &store.User{Username: "ghost", Email: "ghost@example.com"}
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := tx.CreateKey(ctx, &store.Key{UserID: u.ID, Name: "k", Lookup: "ghost-lookup", Verify: "v"}); err != nil {
		return err
	}
	p := &store.Package{Name: "ghost_pkg", UpdatedAt: t0}
	if err := tx.CreatePackage(ctx, p); err != nil {
		return err
	}
	if err := tx.PutRelease(ctx, newRelease(p, "1.0.0", t0)); err != nil {
		return err
	}
	if err := tx.SetOwner(ctx, ownerOf.ID, u.ID, store.LevelFull); err != nil {
		return err
	}
	if err := tx.PutRepoFile(ctx, &store.RepoFile{Path: "packages/ghost_pkg", Body: []byte("b"), ETag: "e", UpdatedAt: t0}); err != nil {
		return err
	}
	return tx.SetIndexEntry(ctx, entry("ghost_pkg", "n", "v"))
}

// checkNothingWritten fails when any write of writeEverything is visible.
func checkNothingWritten(t *testing.T, s store.Store, ownerOf *store.Package, gen int64) {
	t.Helper()
	_, err := s.UserByName(ctx, "ghost")
	wantErr(t, "UserByName(ghost)", err, store.ErrNotFound)
	_, err = s.KeyByLookup(ctx, "ghost-lookup")
	wantErr(t, "KeyByLookup(ghost-lookup)", err, store.ErrNotFound)
	_, err = s.Package(ctx, "ghost_pkg")
	wantErr(t, "Package(ghost_pkg)", err, store.ErrNotFound)
	_, err = s.RepoFile(ctx, "packages/ghost_pkg")
	wantErr(t, "RepoFile(packages/ghost_pkg)", err, store.ErrNotFound)
	owners, err := s.Owners(ctx, ownerOf.ID)
	must(t, err)
	if len(owners) != 0 {
		t.Errorf("Owners = %s, want none", show(owners))
	}
	entries, g, err := s.IndexEntries(ctx)
	must(t, err)
	if len(entries) != 0 || g != gen {
		t.Errorf("IndexEntries = %s at generation %d, want none at %d", show(entryNames(entries)), g, gen)
	}
}

// checkStillWritable proves a failed Update released what it held.
func checkStillWritable(t *testing.T, s store.Store) {
	t.Helper()
	newUser(t, s, "after")
}

func testUpdateError(t *testing.T, s store.Store) {
	p := newPackage(t, s, "plug", t0)
	gen, err := s.IndexGeneration(ctx)
	must(t, err)
	boom := errors.New("boom")
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := writeEverything(tx, p); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Errorf("Update returned %v, want fn's error as is", err)
	}
	checkNothingWritten(t, s, p, gen)
	checkStillWritable(t, s)
}

// A panic in fn rolls back and reaches the caller unchanged.
func testUpdatePanic(t *testing.T, s store.Store) {
	p := newPackage(t, s, "plug", t0)
	gen, err := s.IndexGeneration(ctx)
	must(t, err)
	type boom struct{ n int }
	recovered := func() (r any) {
		defer func() { r = recover() }()
		s.Update(ctx, func(tx store.Tx) error {
			if err := writeEverything(tx, p); err != nil {
				return err
			}
			panic(boom{42})
		})
		return nil
	}()
	if recovered != (boom{42}) {
		t.Errorf("recovered %v, want the panic of fn", recovered)
	}
	checkNothingWritten(t, s, p, gen)
	checkStillWritable(t, s)
}

// When the context ends before the commit, nothing is written, even though
// fn returned nil.
func testUpdateContextEnded(t *testing.T, s store.Store) {
	p := newPackage(t, s, "plug", t0)
	gen, err := s.IndexGeneration(ctx)
	must(t, err)
	c, cancel := context.WithCancel(ctx)
	err = s.Update(c, func(tx store.Tx) error {
		if err := writeEverything(tx, p); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if err == nil {
		t.Error("Update whose context ended before the commit returned nil")
	}
	checkNothingWritten(t, s, p, gen)

	err = s.Update(c, func(tx store.Tx) error { return writeEverything(tx, p) })
	if err == nil {
		t.Error("Update with an ended context returned nil")
	}
	checkNothingWritten(t, s, p, gen)
	checkStillWritable(t, s)
}

// Reads through the Tx see its writes; reads through the Store, made
// while the Update is open, see the last commit and do not wait for the
// writer.
func testTxReadsOwnWrites(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	update(t, s, func(tx store.Tx) error {
		u := &store.User{Username: "bob", Email: "bob@example.com"}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if got, err := tx.UserByEmail(ctx, "BOB@example.com"); err != nil || got.ID != u.ID {
			t.Errorf("tx.UserByEmail = %v, %v", got, err)
		}
		p := &store.Package{Name: "plug", Meta: store.PackageMeta{Description: "fresh"}, UpdatedAt: t0}
		if err := tx.CreatePackage(ctx, p); err != nil {
			return err
		}
		if got, err := tx.Package(ctx, "plug"); err != nil || got.ID != p.ID {
			t.Errorf("tx.Package = %v, %v", got, err)
		}
		if got, err := tx.SearchPackages(ctx, store.PackageQuery{Search: "FRESH"}); err != nil || len(got) != 1 {
			t.Errorf("tx.SearchPackages = %v, %v", got, err)
		}
		if err := tx.SetOwner(ctx, p.ID, alice.ID, store.LevelFull); err != nil {
			return err
		}
		if got, err := tx.PackagesOwnedBy(ctx, alice.ID); err != nil || len(got) != 1 {
			t.Errorf("tx.PackagesOwnedBy = %v, %v", got, err)
		}
		if got, err := tx.Owners(ctx, p.ID); err != nil || len(got) != 1 {
			t.Errorf("tx.Owners = %v, %v", got, err)
		}
		r := newRelease(p, "1.0.0", t0)
		if err := tx.PutRelease(ctx, r); err != nil {
			return err
		}
		if got, err := tx.Release(ctx, p.ID, "1.0.0"); err != nil || got.ID != r.ID {
			t.Errorf("tx.Release = %v, %v", got, err)
		}
		if got, err := tx.Releases(ctx, p.ID); err != nil || len(got) != 1 {
			t.Errorf("tx.Releases = %v, %v", got, err)
		}
		k := &store.Key{UserID: alice.ID, Name: "k", Lookup: "l", Verify: "v"}
		if err := tx.CreateKey(ctx, k); err != nil {
			return err
		}
		if got, err := tx.Keys(ctx, alice.ID); err != nil || len(got) != 1 {
			t.Errorf("tx.Keys = %v, %v", got, err)
		}
		if err := tx.PutRepoFile(ctx, &store.RepoFile{Path: "names", Body: []byte("b"), ETag: "e", UpdatedAt: t0}); err != nil {
			return err
		}
		if got, err := tx.RepoFile(ctx, "names"); err != nil || string(got.Body) != "b" {
			t.Errorf("tx.RepoFile = %v, %v", got, err)
		}

		// The same reads through the Store, while this Update is open.
		if _, err := s.UserByName(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Store saw the uncommitted user: %v", err)
		}
		if _, err := s.Package(ctx, "plug"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Store saw the uncommitted package: %v", err)
		}
		if got, err := s.SearchPackages(ctx, store.PackageQuery{}); err != nil || len(got) != 0 {
			t.Errorf("Store search saw %v, %v", got, err)
		}
		if got, err := s.Keys(ctx, alice.ID); err != nil || len(got) != 0 {
			t.Errorf("Store saw uncommitted keys %v, %v", got, err)
		}
		if _, err := s.RepoFile(ctx, "names"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Store saw the uncommitted repository file: %v", err)
		}
		return nil
	})
	if _, err := s.Package(ctx, "plug"); err != nil {
		t.Errorf("after the commit: %v", err)
	}
}
