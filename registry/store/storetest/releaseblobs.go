package storetest

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var releaseBlobCases = []testCase{
	{"ReleaseBlobs", testReleaseBlobs},
	{"ReleaseBlobsStops", testReleaseBlobsStops},
}

// releaseBlobs returns what ReleaseBlobs visits on r, by "name version",
// failing the test when it visits a release twice.
func releaseBlobs(t *testing.T, r store.Reader) map[string]store.ReleaseBlob {
	t.Helper()
	got := map[string]store.ReleaseBlob{}
	err := r.ReleaseBlobs(ctx, func(b store.ReleaseBlob) error {
		id := b.Package + " " + b.Version
		if _, dup := got[id]; dup {
			t.Errorf("ReleaseBlobs visited %s twice", id)
		}
		got[id] = b
		return nil
	})
	must(t, err)
	return got
}

// testReleaseBlobs checks that ReleaseBlobs names every release's tarball
// and docs as they stand after publishes, a replace, a docs removal and a
// delete, so that a garbage collector keeps exactly what is referenced.
func testReleaseBlobs(t *testing.T, s store.Store) {
	equal(t, "ReleaseBlobs of an empty store", releaseBlobs(t, s), map[string]store.ReleaseBlob{})

	p := newPackage(t, s, "jason", t0)
	q := newPackage(t, s, "poison", t0)
	newPackage(t, s, "empty", t0) // a package without releases refers to nothing
	r1, r2, r3 := newRelease(p, "1.0.0", t0), newRelease(p, "1.1.0-rc.0+build", t0), newRelease(q, "1.0.0", t0)
	r2.DocsKey = ""
	update(t, s, func(tx store.Tx) error {
		return errors.Join(tx.PutRelease(ctx, r1), tx.PutRelease(ctx, r2), tx.PutRelease(ctx, r3))
	})
	want := map[string]store.ReleaseBlob{
		"jason 1.0.0":            {Package: "jason", Version: "1.0.0", BlobKey: "tarballs/jason-1.0.0.tar", DocsKey: r1.DocsKey},
		"jason 1.1.0-rc.0+build": {Package: "jason", Version: "1.1.0-rc.0+build", BlobKey: "tarballs/jason-1.1.0-rc.0+build.tar"},
		"poison 1.0.0":           {Package: "poison", Version: "1.0.0", BlobKey: "tarballs/poison-1.0.0.tar", DocsKey: r3.DocsKey},
	}
	equal(t, "ReleaseBlobs", releaseBlobs(t, s), want)

	// A replace points at its new tarball; a docs removal and a delete
	// show at once, and a Tx sees its own writes.
	replaced := newRelease(p, "1.0.0", at(time.Hour))
	replaced.BlobKey, replaced.DocsKey = "tarballs/jason/jason-1.0.0-00ff.tar", ""
	r2.DocsKey = "docs/jason/jason-1.1.0-rc.0+build-0a.tar.gz"
	update(t, s, func(tx store.Tx) error {
		if err := errors.Join(tx.PutRelease(ctx, replaced), tx.PutRelease(ctx, r2), tx.DeleteRelease(ctx, r3.ID)); err != nil {
			return err
		}
		delete(want, "poison 1.0.0")
		want["jason 1.0.0"] = store.ReleaseBlob{Package: "jason", Version: "1.0.0", BlobKey: "tarballs/jason/jason-1.0.0-00ff.tar"}
		want["jason 1.1.0-rc.0+build"] = store.ReleaseBlob{Package: "jason", Version: "1.1.0-rc.0+build", BlobKey: "tarballs/jason-1.1.0-rc.0+build.tar", DocsKey: r2.DocsKey}
		equal(t, "ReleaseBlobs inside the Tx", releaseBlobs(t, tx), want)
		return nil
	})
	equal(t, "ReleaseBlobs after the Tx", releaseBlobs(t, s), want)

	// A transaction rolled back leaves nothing to see.
	errRollback := errors.New("rolled back")
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.PutRelease(ctx, newRelease(q, "9.9.9", t0)); err != nil {
			return err
		}
		return errRollback
	})
	wantErr(t, "Update", err, errRollback)
	equal(t, "ReleaseBlobs after a rollback", releaseBlobs(t, s), want)
}

// testReleaseBlobsStops checks that fn's error ends the reading and comes
// back as is, with many rows still unread.
func testReleaseBlobsStops(t *testing.T, s store.Store) {
	p := newPackage(t, s, "many", t0)
	update(t, s, func(tx store.Tx) error {
		for i := range 300 {
			if err := tx.PutRelease(ctx, newRelease(p, "1.0."+strconv.Itoa(i), t0)); err != nil {
				return err
			}
		}
		return nil
	})
	if n := len(releaseBlobs(t, s)); n != 300 {
		t.Fatalf("ReleaseBlobs visited %d releases, want 300", n)
	}
	errStop := errors.New("seen enough")
	calls := 0
	err := s.ReleaseBlobs(ctx, func(store.ReleaseBlob) error {
		calls++
		return errStop
	})
	if err != errStop || calls != 1 {
		t.Errorf("fn failed on its first call: ReleaseBlobs called it %d times and returned %v", calls, err)
	}
	// The store is still usable: the stopped reading released what it held.
	if _, ok := releaseBlobs(t, s)["many 1.0.299"]; !ok {
		t.Errorf("ReleaseBlobs after a stopped one misses many 1.0.299")
	}
}
