package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	blobfs "github.com/hexship/ship/registry/blob/fs"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/sqlite"
	"github.com/hexship/ship/tarball"
)

// benchReadme is a README of typical size (about 12 KiB): headings, code,
// a table, lists and links.
var benchReadme = strings.Repeat("## Section\n\nSome **text** with `code`, a [link](docs/x.md) and https://example.com.\n\n"+
	"```elixir\ndef hello(name), do: \"hello #{name}\"\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] one\n- [ ] two\n\n", 60)

// benchSite is a site holding what package pages read (a SQLite store and
// a blob directory), with a package "demo" of three releases.
func benchSite(b *testing.B) (*Site, http.Handler) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "shipyard.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	blobs, err := blobfs.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	s := &Site{Store: st, Blobs: blobs, RepoName: "shipyard", Secret: bytes.Repeat([]byte("s3cret!!"), 4), PublicURL: "http://registry.test"}
	ada := &store.User{Username: "ada", Email: "ada@example.com"}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, ada) }); err != nil {
		b.Fatal(err)
	}
	gh := []tarball.Link{{Name: "GitHub", URL: "https://github.com/acme/demo"}}
	for _, v := range []string{"0.9.0", "1.0.0", "1.1.0"} {
		publishTo(b, st, blobs, release{name: "demo", version: v, readme: map[string]string{"README.md": benchReadme}, links: gh, publisher: ada,
			reqs: []tarball.Requirement{{Name: "jason", Requirement: "~> 1.4"}}})
	}
	mux := http.NewServeMux()
	s.Register(mux)
	return s, mux
}

// BenchmarkPackagePage serves GET /packages/demo in-process. "warm" finds
// the README in the cache; "cold" renders it from the tarball each time
// (open the blob, verify and inflate the tarball, Markdown, sanitise).
// The baseline is the 404 page of an unknown package: the same
// middleware, one store look-up and the layout with a short message.
func BenchmarkPackagePage(b *testing.B) {
	s, h := benchSite(b)
	serve := func(b *testing.B, h http.Handler, path string, want int) {
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			if w.Code != want {
				b.Fatalf("%s: status %d", path, w.Code)
			}
		}
	}
	b.Run("baseline-404", func(b *testing.B) { serve(b, h, "/packages/nope", http.StatusNotFound) })
	b.Run("warm", func(b *testing.B) { serve(b, h, "/packages/demo", http.StatusOK) })
	cold := s.wrap(func(w http.ResponseWriter, r *http.Request) {
		r.SetPathValue("name", "demo")
		s.packagePage(w, r, newReadmeCache(readmeCacheBudget))
	})
	b.Run("cold", func(b *testing.B) { serve(b, cold, "/packages/demo", http.StatusOK) })
}
