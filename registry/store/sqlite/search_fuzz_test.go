package sqlite_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hexship/ship/registry/store/sqlite"

	"github.com/hexship/ship/registry/store"
)

// fuzzPackages are names and descriptions with the characters a search
// text must not treat specially: FTS5 syntax, LIKE wildcards, quotes,
// non-ASCII letters in two cases.
var fuzzPackages = [][2]string{
	{"plug", `Composable "modules" for web apps`},
	{"plug_cowboy", "AND OR NOT NEAR(a b) * ^ -x"},
	{"percent", "Makes 100% sure_ever"},
	{"cafe", "Café and CAFÉ, straße"},
	{"quote", `it's "quoted"" twice`},
	{"backslash", `C:\path\to %d`},
}

// asciiFold lower-cases ASCII letters only, as SQLite's LIKE compares.
func asciiFold(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// FuzzSearch checks that any search text, whichever way the store runs
// it (the trigram index or a scan), finds exactly the packages whose name
// or description contains it ignoring ASCII case, without an error from
// the full-text syntax.
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{"plug", `"modules"`, "NEAR(a", "100%", "é", "CAFÉ", "t's \"q", `\pa`, "*", "AND OR", "ca", ""} {
		f.Add(seed)
	}
	s := openF(f)
	err := s.Update(ctx, func(tx store.Tx) error {
		for _, p := range fuzzPackages {
			if err := tx.CreatePackage(ctx, &store.Package{Name: p[0], Meta: store.PackageMeta{Description: p[1]}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) || strings.ContainsRune(q, 0) {
			t.Skip("LIKE's matching of invalid UTF-8 and NUL is not what this checks")
		}
		var want []string
		for _, p := range fuzzPackages {
			if strings.Contains(asciiFold(p[0]), asciiFold(q)) || strings.Contains(asciiFold(p[1]), asciiFold(q)) {
				want = append(want, p[0])
			}
		}
		n, err := s.CountPackages(ctx, q)
		if err != nil {
			t.Fatalf("CountPackages(%q): %v", q, err)
		}
		sums, err := s.PackageSummaries(ctx, store.PackageQuery{Search: q, Sort: store.SortName})
		if err != nil {
			t.Fatalf("PackageSummaries(%q): %v", q, err)
		}
		var got []string
		for _, sum := range sums {
			got = append(got, sum.Name)
		}
		if fmt.Sprint(got) != fmt.Sprint(sortedCopy(want)) || n != int64(len(want)) {
			t.Fatalf("search %q: %v (count %d), want %v", q, got, n, sortedCopy(want))
		}
	})
}

// openF opens a store on a new file for a fuzz target.
func openF(f *testing.F) *sqlite.Store {
	f.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "registry.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	return s
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
