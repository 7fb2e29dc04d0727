package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var searchCases = []testCase{
	{"SearchMatching", testSearchMatching},
	{"SearchSorts", testSearchSorts},
	{"SearchPagination", testSearchPagination},
	{"SearchTiesPageCleanly", testSearchTies},
}

// searchFixture is a small registry whose four orders all differ.
var searchFixture = []struct {
	name, description string
	downloads         int64
	inserted, updated time.Duration // after t0
}{
	{"phoenix", "Productive. Reliable. Fast.", 1000, 1 * time.Hour, 10 * time.Hour},
	{"plug", "Compose web applications with functions", 5000, 2 * time.Hour, 5 * time.Hour},
	{"ecto", "A toolkit for data mapping and language integrated query", 3000, 3 * time.Hour, 8 * time.Hour},
	{"jason", "A blazing fast JSON parser and generator", 8000, 4 * time.Hour, 4 * time.Hour},
	{"phoenix_html", "Phoenix view functions for working with HTML templates", 500, 5 * time.Hour, 9 * time.Hour},
	{"percent", "Makes 100% sure", 20, 6 * time.Hour, 6 * time.Hour},
}

func seedSearch(t *testing.T, s store.Store) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for _, f := range searchFixture {
			p := &store.Package{Name: f.name, Meta: store.PackageMeta{Description: f.description}, Downloads: f.downloads, UpdatedAt: at(f.inserted)}
			if err := tx.CreatePackage(ctx, p); err != nil {
				return err
			}
			p.UpdatedAt = at(f.updated)
			if err := tx.UpdatePackage(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func search(t *testing.T, s store.Store, q store.PackageQuery) []string {
	t.Helper()
	ps, err := s.SearchPackages(ctx, q)
	if err != nil {
		t.Fatalf("SearchPackages(%+v): %v", q, err)
	}
	return names(ps)
}

// Search finds a substring of the name or the description, whatever its
// case; LIKE wildcards in it are plain characters.
func testSearchMatching(t *testing.T, s store.Store) {
	seedSearch(t, s)
	for _, c := range []struct {
		search string
		want   []string
	}{
		{"", []string{"ecto", "jason", "percent", "phoenix", "phoenix_html", "plug"}},
		{"PHOENIX", []string{"phoenix", "phoenix_html"}}, // names, and a description
		{"oeni", []string{"phoenix", "phoenix_html"}},
		{"json", []string{"jason"}}, // description only
		{"FUNCTIONS", []string{"phoenix_html", "plug"}},
		{"fast", []string{"jason", "phoenix"}},
		{"_", []string{"phoenix_html"}},
		{"%", []string{"percent"}},
		{"100%", []string{"percent"}},
		{"e%s", []string{}},
		{"p_ug", []string{}},
		{"zzz", []string{}},
		{"plug ", []string{}},
	} {
		got := search(t, s, store.PackageQuery{Search: c.search})
		equal(t, fmt.Sprintf("search %q", c.search), got, c.want)
	}
}

func testSearchSorts(t *testing.T, s store.Store) {
	seedSearch(t, s)
	for _, c := range []struct {
		sort   store.PackageSort
		search string
		want   []string
	}{
		{"", "", []string{"ecto", "jason", "percent", "phoenix", "phoenix_html", "plug"}},
		{store.SortName, "", []string{"ecto", "jason", "percent", "phoenix", "phoenix_html", "plug"}},
		{store.SortInsertedAt, "", []string{"percent", "phoenix_html", "jason", "ecto", "plug", "phoenix"}},
		{store.SortUpdatedAt, "", []string{"phoenix", "phoenix_html", "ecto", "percent", "plug", "jason"}},
		{store.SortDownloads, "", []string{"jason", "plug", "ecto", "phoenix", "phoenix_html", "percent"}},
		{store.SortDownloads, "functions", []string{"plug", "phoenix_html"}},
		{store.SortInsertedAt, "ING", []string{"phoenix_html", "jason", "ecto"}},
	} {
		got := search(t, s, store.PackageQuery{Search: c.search, Sort: c.sort})
		equal(t, fmt.Sprintf("search %q sorted by %q", c.search, c.sort), got, c.want)
	}
}

func testSearchPagination(t *testing.T, s store.Store) {
	seedSearch(t, s)
	byDownloads := []string{"jason", "plug", "ecto", "phoenix", "phoenix_html", "percent"}
	for _, c := range []struct {
		page, perPage int
		want          []string
	}{
		{1, 2, byDownloads[0:2]},
		{2, 2, byDownloads[2:4]},
		{3, 2, byDownloads[4:6]},
		{4, 2, []string{}},
		{2, 4, byDownloads[4:6]},
		{0, 4, byDownloads[0:4]},  // page 1 when < 1
		{-3, 4, byDownloads[0:4]}, // page 1 when < 1
		{1, 0, byDownloads},       // 100 per page when < 1
		{2, 0, []string{}},
		{1 << 40, 1 << 30, []string{}},
	} {
		got := search(t, s, store.PackageQuery{Sort: store.SortDownloads, Page: c.page, PerPage: c.perPage})
		equal(t, fmt.Sprintf("page %d of %d", c.page, c.perPage), got, c.want)
	}

	// 150 packages: the default page size is 100.
	update(t, s, func(tx store.Tx) error {
		for i := range 144 {
			if err := tx.CreatePackage(ctx, &store.Package{Name: fmt.Sprintf("zz%03d", i), UpdatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if n := len(search(t, s, store.PackageQuery{})); n != 100 {
		t.Errorf("first page of 150 packages has %d, want 100", n)
	}
	if n := len(search(t, s, store.PackageQuery{Page: 2})); n != 50 {
		t.Errorf("second page of 150 packages has %d, want 50", n)
	}
}

// Packages equal in the sort key still page without a repeat or a gap.
func testSearchTies(t *testing.T, s store.Store) {
	var all []string
	update(t, s, func(tx store.Tx) error {
		for i := range 11 {
			name := fmt.Sprintf("tie%02d", (i*7)%11)
			all = append(all, name)
			if err := tx.CreatePackage(ctx, &store.Package{Name: name, Downloads: 5, UpdatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	slices.Sort(all)
	for _, sort := range []store.PackageSort{store.SortName, store.SortInsertedAt, store.SortUpdatedAt, store.SortDownloads} {
		var got []string
		for page := 1; page <= 4; page++ {
			got = append(got, search(t, s, store.PackageQuery{Sort: sort, Page: page, PerPage: 3})...)
		}
		slices.Sort(got)
		equal(t, fmt.Sprintf("all pages of 3 sorted by %s", sort), got, all)
	}
}
