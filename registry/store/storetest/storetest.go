// Package storetest is the conformance suite of store.Store: every
// implementation runs it, so the server behaves the same whichever
// database it is on. Each subtest checks one promise of the doc comments
// in package store, through the interface only.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// Run runs the suite. open must return a new, empty store for each call
// and close it when the test given to it ends (t.Cleanup). The subtests run
// in parallel, each on its own store.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.test(t, open(t))
		})
	}
}

// cases is every subtest, grouped by the area of the interface it checks.
var cases = joinCases(
	userCases,
	keyCases,
	packageCases,
	searchCases,
	summaryCases,
	releaseCases,
	releaseBlobCases,
	docsKeyCases,
	ownerCases,
	repoFileCases,
	indexCases,
	txCases,
	concurrencyCases,
	timeCases,
	authCases,
)

type testCase struct {
	name string
	test func(t *testing.T, s store.Store)
}

func joinCases(groups ...[]testCase) []testCase {
	var all []testCase
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// t0 is a fixed instant, in whole microseconds and UTC, so that values
// built from it read back identical from any store.
var t0 = time.Date(2024, 3, 4, 5, 6, 7, 123456000, time.UTC)

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// update runs fn in s.Update and fails the test on an error.
func update(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr checks that err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want one wrapping %q", what, err, target)
	}
}

// equal checks got against want, printing both as JSON (which shows what
// pointers point at) when they differ.
func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, show(got), show(want))
	}
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

var ctx = context.Background()

// newUser creates an account named name with email name@example.com.
func newUser(t *testing.T, s store.Store, name string) *store.User {
	t.Helper()
	u := &store.User{Username: name, Email: name + "@example.com", FullName: "Full " + name, PasswordHash: "hash-" + name}
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(ctx, u) })
	return u
}

// newPackage creates a package named name, created and updated at `when`.
func newPackage(t *testing.T, s store.Store, name string, when time.Time) *store.Package {
	t.Helper()
	p := &store.Package{
		Name: name,
		Meta: store.PackageMeta{
			Description: "The " + name + " package",
			Licenses:    []string{"Apache-2.0"},
			Links:       []store.Link{{Name: "GitHub", URL: "https://example.com/" + name}},
		},
		UpdatedAt: when,
	}
	update(t, s, func(tx store.Tx) error { return tx.CreatePackage(ctx, p) })
	return p
}

// newRelease builds (without storing) a release of p with every field set.
func newRelease(p *store.Package, version string, when time.Time) *store.Release {
	sum := func(b byte) []byte {
		s := make([]byte, 32)
		for i := range s {
			s[i] = b + byte(i)
		}
		return s
	}
	return &store.Release{
		PackageID:     p.ID,
		Version:       version,
		InnerChecksum: sum(1),
		OuterChecksum: sum(100),
		Size:          4096,
		BlobKey:       "tarballs/" + p.Name + "-" + version + ".tar",
		App:           p.Name,
		BuildTools:    []string{"rebar3", "mix"},
		Elixir:        "~> 1.15",
		Requirements: []store.Requirement{
			{Name: "zlib_wrap", App: "zlib_wrap", Requirement: "~> 2.0", Repository: "hexpm"},
			{Name: "acme", App: "acme_app", Requirement: ">= 1.0.0", Optional: true, Repository: "hexpm"},
		},
		Metadata:  []byte(`{<<"name">>,<<"` + p.Name + `">>}.`),
		DocsKey:   "docs/" + p.Name + "/" + p.Name + "-" + version + "-00.tar.gz",
		Downloads: 7,
		CreatedAt: when,
		UpdatedAt: when,
	}
}
