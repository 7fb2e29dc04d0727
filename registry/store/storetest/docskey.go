package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var docsKeyCases = []testCase{
	{"ReleaseDocsKey", testReleaseDocsKey},
}

// testReleaseDocsKey follows a release's docs through an upload, a second
// upload under another key, a republish that carries the key over, and a
// removal: Release, Releases and ReleaseBlobs must all name the key the
// last write stored, and HasDocs must follow it.
func testReleaseDocsKey(t *testing.T, s store.Store) {
	p := newPackage(t, s, "jason", t0)
	rel := newRelease(p, "1.0.0", t0)
	rel.DocsKey = ""
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, rel) })

	check := func(step, wantKey string) {
		t.Helper()
		got, err := s.Release(ctx, p.ID, "1.0.0")
		must(t, err)
		if got.DocsKey != wantKey || got.HasDocs() != (wantKey != "") {
			t.Errorf("%s: Release has DocsKey %q (HasDocs %v), want %q", step, got.DocsKey, got.HasDocs(), wantKey)
		}
		all, err := s.Releases(ctx, p.ID)
		must(t, err)
		if len(all) != 1 || all[0].DocsKey != wantKey {
			t.Errorf("%s: Releases = %+v, want one with DocsKey %q", step, all, wantKey)
		}
		equal(t, step+": ReleaseBlobs", releaseBlobs(t, s), map[string]store.ReleaseBlob{
			"jason 1.0.0": {Package: "jason", Version: "1.0.0", BlobKey: rel.BlobKey, DocsKey: wantKey},
		})
	}
	check("without docs", "")

	for i, key := range []string{"docs/jason/jason-1.0.0-0001.tar.gz", "docs/jason/jason-1.0.0-0002.tar.gz"} {
		rel.DocsKey, rel.UpdatedAt = key, at(time.Duration(i+1)*time.Minute)
		update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, rel) })
		check("after upload "+key, key)
	}

	// A republish of the version stores the docs key it is given.
	again := newRelease(p, "1.0.0", at(time.Hour))
	again.BlobKey, again.DocsKey = "tarballs/jason/jason-1.0.0-0003.tar", rel.DocsKey
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, again) })
	rel = again
	check("after a republish", "docs/jason/jason-1.0.0-0002.tar.gz")

	rel.DocsKey = ""
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, rel) })
	check("after a removal", "")
}
