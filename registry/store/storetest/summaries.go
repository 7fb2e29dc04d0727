package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var summaryCases = []testCase{
	{"SearchRelevance", testSearchRelevance},
	{"PackageSummaries", testPackageSummaries},
	{"CountPackages", testCountPackages},
	{"AddDownloads", testAddDownloads},
	{"ReleasesOf", testReleasesOf},
	{"SearchFollowsChanges", testSearchFollowsChanges},
}

// Relevance puts the exact name first, then names starting with the
// search, then names containing it, then description matches; downloads
// order each group.
func testSearchRelevance(t *testing.T, s store.Store) {
	seedSearch(t, s)
	update(t, s, func(tx store.Tx) error {
		for _, p := range []*store.Package{
			{Name: "live_phoenix", Meta: store.PackageMeta{Description: "x"}, Downloads: 9000, UpdatedAt: t0},
			{Name: "phoenix_live", Meta: store.PackageMeta{Description: "x"}, Downloads: 100, UpdatedAt: t0},
			{Name: "bird", Meta: store.PackageMeta{Description: "A phoenix rises"}, Downloads: 99999, UpdatedAt: t0},
		} {
			if err := tx.CreatePackage(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct {
		search string
		want   []string
	}{
		{"phoenix", []string{"phoenix", "phoenix_html", "phoenix_live", "live_phoenix", "bird"}},
		{"PHOENIX", []string{"phoenix", "phoenix_html", "phoenix_live", "live_phoenix", "bird"}},
		{"phoenix_", []string{"phoenix_html", "phoenix_live"}},
		{"p%", []string{}},
		{"", []string{"bird", "live_phoenix", "jason", "plug", "ecto", "phoenix", "phoenix_html", "phoenix_live", "percent"}},
	} {
		got := search(t, s, store.PackageQuery{Search: c.search, Sort: store.SortRelevance})
		equal(t, fmt.Sprintf("search %q by relevance", c.search), got, c.want)
	}
	var got []string
	for page := 1; page <= 3; page++ {
		got = append(got, search(t, s, store.PackageQuery{Search: "phoenix", Sort: store.SortRelevance, Page: page, PerPage: 2})...)
	}
	equal(t, "pages of 2 by relevance", got, []string{"phoenix", "phoenix_html", "phoenix_live", "live_phoenix", "bird"})
}

// A summary carries the package as SearchPackages reads it, the latest
// version (stable before pre-release, SemVer order), the newest release's
// time and the owners' names.
func testPackageSummaries(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	a := newPackage(t, s, "alpha", t0)
	b := newPackage(t, s, "beta", at(time.Hour))
	newPackage(t, s, "gamma", at(2*time.Hour))
	update(t, s, func(tx store.Tx) error {
		for i, v := range []string{"1.9.0", "1.10.0", "2.0.0-rc.1", "1.2.3"} {
			if err := tx.PutRelease(ctx, newRelease(a, v, at(time.Duration(i)*time.Minute))); err != nil {
				return err
			}
		}
		for _, v := range []string{"0.1.0-beta.1", "0.1.0-alpha"} {
			if err := tx.PutRelease(ctx, newRelease(b, v, at(time.Hour))); err != nil {
				return err
			}
		}
		if err := tx.SetOwner(ctx, a.ID, bob.ID, store.LevelFull); err != nil {
			return err
		}
		if err := tx.SetOwner(ctx, a.ID, alice.ID, store.LevelMaintainer); err != nil {
			return err
		}
		return tx.SetOwner(ctx, b.ID, bob.ID, store.LevelFull)
	})
	q := store.PackageQuery{Sort: store.SortName}
	sums, err := s.PackageSummaries(ctx, q)
	must(t, err)
	pkgs, err := s.SearchPackages(ctx, q)
	must(t, err)
	if len(sums) != len(pkgs) {
		t.Fatalf("%d summaries, %d packages", len(sums), len(pkgs))
	}
	for i := range sums {
		equal(t, "summary's package", sums[i].Package, pkgs[i])
	}
	type glance struct {
		Name, Latest string
		Published    time.Time
		Owners       []string
	}
	var got []glance
	for _, sum := range sums {
		got = append(got, glance{sum.Name, sum.LatestVersion, sum.LastPublished, sum.Owners})
	}
	equal(t, "summaries", got, []glance{
		{"alpha", "1.10.0", at(3 * time.Minute), []string{"alice", "bob"}},
		{"beta", "0.1.0-beta.1", at(time.Hour), []string{"bob"}},
		{"gamma", "", time.Time{}, nil},
	})
	sums, err = s.PackageSummaries(ctx, store.PackageQuery{Search: "beta", Sort: store.SortRelevance})
	must(t, err)
	if len(sums) != 1 || sums[0].Name != "beta" {
		t.Errorf("summaries of %q: %+v", "beta", sums)
	}
	sums, err = s.PackageSummaries(ctx, store.PackageQuery{Page: 5})
	must(t, err)
	if len(sums) != 0 {
		t.Errorf("page past the end has %d summaries", len(sums))
	}
}

func testCountPackages(t *testing.T, s store.Store) {
	seedSearch(t, s)
	for search, want := range map[string]int64{"": 6, "PHOENIX": 2, "json": 1, "_": 1, "%": 1, "zzz": 0} {
		n, err := s.CountPackages(ctx, search)
		must(t, err)
		if n != want {
			t.Errorf("CountPackages(%q) = %d, want %d", search, n, want)
		}
	}
}

// Counts land on the releases and their packages; unknown releases are
// skipped without failing the rest.
func testAddDownloads(t *testing.T, s store.Store) {
	a := newPackage(t, s, "alpha", t0)
	b := newPackage(t, s, "beta", t0)
	ra1, ra2, rb := newRelease(a, "1.0.0", t0), newRelease(a, "1.1.0", t0), newRelease(b, "1.0.0", t0)
	update(t, s, func(tx store.Tx) error {
		for _, r := range []*store.Release{ra1, ra2, rb} {
			if err := tx.PutRelease(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	base := ra1.Downloads
	update(t, s, func(tx store.Tx) error {
		return tx.AddDownloads(ctx, map[int64]int64{ra1.ID: 3, ra2.ID: 4, rb.ID: 10, rb.ID + 1000: 5})
	})
	update(t, s, func(tx store.Tx) error { return tx.AddDownloads(ctx, map[int64]int64{ra1.ID: 1}) })
	update(t, s, func(tx store.Tx) error { return tx.AddDownloads(ctx, nil) })
	for _, c := range []struct {
		rel  *store.Release
		want int64
	}{{ra1, base + 4}, {ra2, base + 4}, {rb, base + 10}} {
		got, err := s.Release(ctx, c.rel.PackageID, c.rel.Version)
		must(t, err)
		if got.Downloads != c.want {
			t.Errorf("release %d downloads = %d, want %d", c.rel.ID, got.Downloads, c.want)
		}
	}
	for name, want := range map[string]int64{"alpha": 8, "beta": 10} {
		p, err := s.Package(ctx, name)
		must(t, err)
		if p.Downloads != want {
			t.Errorf("package %s downloads = %d, want %d", name, p.Downloads, want)
		}
	}
}

// ReleasesOf groups the releases of the packages asked for, each as
// Release reads it, and leaves out the others.
func testReleasesOf(t *testing.T, s store.Store) {
	a, b, c := newPackage(t, s, "alpha", t0), newPackage(t, s, "beta", t0), newPackage(t, s, "gamma", t0)
	update(t, s, func(tx store.Tx) error {
		for _, r := range []*store.Release{newRelease(a, "1.0.0", t0), newRelease(a, "2.0.0", t0), newRelease(b, "0.1.0", t0), newRelease(c, "3.0.0", t0)} {
			if err := tx.PutRelease(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.ReleasesOf(ctx, []int64{a.ID, b.ID, 1 << 40})
	must(t, err)
	versions := map[string][]string{}
	for id, rels := range got {
		for _, r := range rels {
			one, err := s.Release(ctx, id, r.Version)
			must(t, err)
			equal(t, "release "+r.Version, r, *one)
			name := map[int64]string{a.ID: "alpha", b.ID: "beta", c.ID: "gamma"}[id]
			versions[name] = append(versions[name], r.Version)
		}
	}
	for _, v := range versions {
		slices.Sort(v)
	}
	equal(t, "versions by package", versions, map[string][]string{"alpha": {"1.0.0", "2.0.0"}, "beta": {"0.1.0"}})
	got, err = s.ReleasesOf(ctx, nil)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("ReleasesOf(nil) = %v", got)
	}
}

// Search follows a package's changes: a new description is found and the
// old one no longer is; a deleted package is gone; a renamed (new)
// package is found by its name.
func testSearchFollowsChanges(t *testing.T, s store.Store) {
	p := newPackage(t, s, "kettle", t0)
	equal(t, "search before", search(t, s, store.PackageQuery{Search: "The kettle"}), []string{"kettle"})
	p.Meta.Description = "Boils water quickly"
	p.UpdatedAt = at(time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.UpdatePackage(ctx, p) })
	equal(t, "old description", search(t, s, store.PackageQuery{Search: "The kettle"}), []string{})
	equal(t, "new description", search(t, s, store.PackageQuery{Search: "WATER"}), []string{"kettle"})
	n, err := s.CountPackages(ctx, "water")
	must(t, err)
	if n != 1 {
		t.Errorf("CountPackages(water) = %d after the update", n)
	}
	update(t, s, func(tx store.Tx) error { return tx.DeletePackage(ctx, p.ID) })
	equal(t, "after delete", search(t, s, store.PackageQuery{Search: "water"}), []string{})
	newPackage(t, s, "kettle_two", t0)
	equal(t, "a new package", search(t, s, store.PackageQuery{Search: "ttle_t", Sort: store.SortRelevance}), []string{"kettle_two"})
}
