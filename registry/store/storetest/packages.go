package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var packageCases = []testCase{
	{"PackageCreateAndFind", testPackageCreateAndFind},
	{"PackageCreateConflict", testPackageCreateConflict},
	{"PackageUpdateMeta", testPackageUpdateMeta},
	{"PackageDelete", testPackageDelete},
	{"PackageDeleteRefused", testPackageDeleteRefused},
}

func testPackageCreateAndFind(t *testing.T, s store.Store) {
	before := time.Now()
	p := &store.Package{
		Name: "plug",
		Meta: store.PackageMeta{
			Description: "Compose web applications with functions",
			Licenses:    []string{"Apache-2.0", "MIT"},
			Links:       []store.Link{{Name: "Zed", URL: "https://z.example"}, {Name: "Alpha", URL: "https://a.example"}},
			Maintainers: []string{"José", "Eric"},
		},
		Downloads: 42,
	}
	update(t, s, func(tx store.Tx) error { return tx.CreatePackage(ctx, p) })
	if p.ID == 0 || p.CreatedAt.Before(before.Add(-time.Second)) || !p.CreatedAt.Equal(p.UpdatedAt) {
		t.Fatalf("CreatePackage without UpdatedAt left %s", show(p))
	}
	got, err := s.Package(ctx, "plug")
	must(t, err)
	equal(t, "Package(plug)", got, p)

	// A given UpdatedAt is both times.
	q := newPackage(t, s, "plug_cowboy", at(time.Hour))
	if !q.CreatedAt.Equal(at(time.Hour)) || !q.UpdatedAt.Equal(at(time.Hour)) {
		t.Errorf("CreatePackage with UpdatedAt %v set CreatedAt %v, UpdatedAt %v", at(time.Hour), q.CreatedAt, q.UpdatedAt)
	}
	if q.ID == p.ID {
		t.Fatalf("two packages got ID %d", p.ID)
	}
	got, err = s.Package(ctx, "plug_cowboy")
	must(t, err)
	equal(t, "Package(plug_cowboy)", got, q)

	for _, name := range []string{"PLUG", "plu", "plug "} {
		_, err = s.Package(ctx, name)
		wantErr(t, "Package("+name+") (names match exactly)", err, store.ErrNotFound)
	}
}

func testPackageCreateConflict(t *testing.T, s store.Store) {
	p := newPackage(t, s, "plug", t0)
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.CreatePackage(ctx, &store.Package{Name: "plug", Meta: store.PackageMeta{Description: "impostor"}})
	})
	wantErr(t, "CreatePackage(plug) again", err, store.ErrConflict)
	got, err := s.Package(ctx, "plug")
	must(t, err)
	equal(t, "Package(plug) after the conflict", got, p)
}

// UpdatePackage stores the metadata (links in their new order) and
// UpdatedAt, and nothing else.
func testPackageUpdateMeta(t *testing.T, s store.Store) {
	p := &store.Package{Name: "ecto", Downloads: 9, UpdatedAt: t0}
	update(t, s, func(tx store.Tx) error { return tx.CreatePackage(ctx, p) })
	other := newPackage(t, s, "ecto_sql", t0)

	changed := *p
	changed.Meta = store.PackageMeta{
		Description: "A toolkit for data mapping",
		Licenses:    []string{"Apache-2.0"},
		Links: []store.Link{
			{Name: "Docs", URL: "https://docs.example"},
			{Name: "Changelog", URL: "https://c.example"},
			{Name: "Bugs", URL: "https://b.example"},
		},
		Maintainers: []string{"Someone"},
	}
	changed.UpdatedAt = at(time.Hour)
	changed.Downloads = 1000 // not UpdatePackage's to store
	update(t, s, func(tx store.Tx) error { return tx.UpdatePackage(ctx, &changed) })

	want := changed
	want.Downloads = 9
	got, err := s.Package(ctx, "ecto")
	must(t, err)
	equal(t, "Package after UpdatePackage", got, &want)
	got, err = s.Package(ctx, "ecto_sql")
	must(t, err)
	equal(t, "other package", got, other)

	missing := store.Package{ID: p.ID + other.ID + 100, Name: "ghost", UpdatedAt: t0}
	err = s.Update(ctx, func(tx store.Tx) error { return tx.UpdatePackage(ctx, &missing) })
	wantErr(t, "UpdatePackage(missing)", err, store.ErrNotFound)
}

// DeletePackage takes the package's owners, repository file and index
// entry with it, and only those.
func testPackageDelete(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	doomed := newPackage(t, s, "doomed", t0)
	kept := newPackage(t, s, "doomed_not", t0)
	update(t, s, func(tx store.Tx) error {
		for _, p := range []*store.Package{doomed, kept} {
			if err := tx.SetOwner(ctx, p.ID, alice.ID, store.LevelFull); err != nil {
				return err
			}
			if err := tx.PutRepoFile(ctx, &store.RepoFile{Path: "packages/" + p.Name, Body: []byte(p.Name), ETag: `"1"`, UpdatedAt: t0}); err != nil {
				return err
			}
			if err := tx.SetIndexEntry(ctx, &store.IndexEntry{Name: p.Name, Names: []byte("n"), Versions: []byte("v")}); err != nil {
				return err
			}
		}
		return nil
	})
	gen, err := s.IndexGeneration(ctx)
	must(t, err)

	update(t, s, func(tx store.Tx) error { return tx.DeletePackage(ctx, doomed.ID) })

	_, err = s.Package(ctx, "doomed")
	wantErr(t, "Package(doomed) after delete", err, store.ErrNotFound)
	_, err = s.RepoFile(ctx, "packages/doomed")
	wantErr(t, "RepoFile(packages/doomed) after delete", err, store.ErrNotFound)
	owners, err := s.Owners(ctx, doomed.ID)
	must(t, err)
	if len(owners) != 0 {
		t.Errorf("Owners of the deleted package = %s", show(owners))
	}
	owned, err := s.PackagesOwnedBy(ctx, alice.ID)
	must(t, err)
	equal(t, "PackagesOwnedBy(alice) after delete", names(owned), []string{"doomed_not"})
	entries, gen2, err := s.IndexEntries(ctx)
	must(t, err)
	equal(t, "index entries after delete", entryNames(entries), []string{"doomed_not"})
	if gen2 == gen {
		t.Errorf("IndexGeneration stayed %d although DeletePackage removed an index entry", gen)
	}
	if _, err := s.RepoFile(ctx, "packages/doomed_not"); err != nil {
		t.Errorf("other package's repository file: %v", err)
	}

	err = s.Update(ctx, func(tx store.Tx) error { return tx.DeletePackage(ctx, doomed.ID) })
	wantErr(t, "DeletePackage again", err, store.ErrNotFound)
}

// A package with releases is not deleted.
func testPackageDeleteRefused(t *testing.T, s store.Store) {
	p := newPackage(t, s, "busy", t0)
	r := newRelease(p, "1.0.0", t0)
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, r) })
	err := s.Update(ctx, func(tx store.Tx) error { return tx.DeletePackage(ctx, p.ID) })
	wantErr(t, "DeletePackage with a release", err, store.ErrConflict)
	if _, err := s.Package(ctx, "busy"); err != nil {
		t.Errorf("Package(busy) after the refused delete: %v", err)
	}
	// Once its last release is gone it can go.
	update(t, s, func(tx store.Tx) error {
		if err := tx.DeleteRelease(ctx, r.ID); err != nil {
			return err
		}
		return tx.DeletePackage(ctx, p.ID)
	})
	_, err = s.Package(ctx, "busy")
	wantErr(t, "Package(busy) after its release and it were deleted", err, store.ErrNotFound)
}

func names(ps []store.Package) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func entryNames(es []store.IndexEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}
