package gc_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/blob"
	blobfs "github.com/hexship/ship/registry/blob/fs"
	blobs3 "github.com/hexship/ship/registry/blob/s3"
	"github.com/hexship/ship/registry/gc"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/postgres"
	"github.com/hexship/ship/registry/store/sqlite"
)

func TestMain(m *testing.M) {
	// Tests only ever talk to this machine: no EC2 metadata lookups.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	os.Exit(m.Run())
}

// backend is a blob store under test and a way to make a blob look as if
// it was written a while ago.
type backend struct {
	blobs blob.Store
	age   func(t *testing.T, key string, ago time.Duration)
}

// registry is a metadata store and a blob store of one registry.
type registry struct {
	st store.Store
	backend
}

// eachRegistry runs test on a registry of every configured pair of
// metadata and blob store: SQLite and a directory always, PostgreSQL when
// SHIPYARD_TEST_POSTGRES is set, S3 when SHIPYARD_TEST_S3 is.
func eachRegistry(t *testing.T, test func(t *testing.T, r registry)) {
	stores := map[string]func(t *testing.T) store.Store{"sqlite": openSQLite}
	if os.Getenv("SHIPYARD_TEST_POSTGRES") != "" {
		stores["postgres"] = openPostgres
	} else {
		t.Log("SHIPYARD_TEST_POSTGRES is not set: PostgreSQL not tested")
	}
	backends := map[string]func(t *testing.T) backend{"fs": openFS}
	if os.Getenv("SHIPYARD_TEST_S3") != "" {
		backends["s3"] = openS3
	} else {
		t.Log("SHIPYARD_TEST_S3 is not set: S3 not tested")
	}
	for sname, openStore := range stores {
		for bname, openBackend := range backends {
			t.Run(sname+"+"+bname, func(t *testing.T) {
				test(t, registry{st: openStore(t), backend: openBackend(t)})
			})
		}
	}
}

func openSQLite(t *testing.T) store.Store {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "shipyard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// openPostgres creates a database of its own on the test server, dropped
// when the test ends.
func openPostgres(t *testing.T) store.Store {
	admin := os.Getenv("SHIPYARD_TEST_POSTGRES")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := "gc_test_" + randomHex(6)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, admin); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	st, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openFS opens a directory store; age sets a file's modification time.
func openFS(t *testing.T) backend {
	dir := t.TempDir()
	s, err := blobfs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return backend{blobs: s, age: func(t *testing.T, key string, ago time.Duration) {
		t.Helper()
		when := time.Now().Add(-ago)
		if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(key)), when, when); err != nil {
			t.Fatal(err)
		}
	}}
}

// openS3 opens a store under a fresh prefix of the test bucket, emptied
// when the test ends. S3 sets an object's time itself, so age makes the
// store report an earlier one (see agedStore); everything else is the
// server's.
func openS3(t *testing.T) backend {
	u, err := url.Parse(os.Getenv("SHIPYARD_TEST_S3"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/gc-test-" + randomHex(8)
	s, err := blobs3.Open(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		s.List(ctx, "", func(key string, _ blob.Info) error { return s.Delete(ctx, key) })
	})
	aged := &agedStore{Store: s, ago: map[string]time.Duration{}}
	return backend{blobs: aged, age: func(t *testing.T, key string, ago time.Duration) {
		aged.mu.Lock()
		defer aged.mu.Unlock()
		aged.ago[key] = ago
	}}
}

// agedStore reports the blobs it was told to age as written that long
// before the time the store gives, until they are put again.
type agedStore struct {
	blob.Store
	mu  sync.Mutex
	ago map[string]time.Duration
}

func (a *agedStore) shift(key string, info blob.Info) blob.Info {
	a.mu.Lock()
	defer a.mu.Unlock()
	info.ModTime = info.ModTime.Add(-a.ago[key])
	return info
}

func (a *agedStore) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	n, err := a.Store.Put(ctx, key, r)
	a.mu.Lock()
	delete(a.ago, key)
	a.mu.Unlock()
	return n, err
}

func (a *agedStore) Stat(ctx context.Context, key string) (blob.Info, error) {
	info, err := a.Store.Stat(ctx, key)
	return a.shift(key, info), err
}

func (a *agedStore) List(ctx context.Context, prefix string, fn func(string, blob.Info) error) error {
	return a.Store.List(ctx, prefix, func(key string, info blob.Info) error {
		return fn(key, a.shift(key, info))
	})
}

// put stores data under key, written ago before now.
func (r registry) put(t *testing.T, key string, data []byte, ago time.Duration) {
	t.Helper()
	if _, err := r.blobs.Put(t.Context(), key, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if ago > 0 {
		r.age(t, key, ago)
	}
}

// publish stores a release of name and its tarball (and docs) as the
// server does, written ago before now, and returns the release.
func (r registry) publish(t *testing.T, name, version string, docs bool, ago time.Duration) *store.Release {
	t.Helper()
	rel := &store.Release{
		Version: version, InnerChecksum: make([]byte, 32), OuterChecksum: make([]byte, 32),
		BlobKey: repo.NewTarballKey(name, version),
	}
	if docs {
		rel.DocsKey = repo.NewDocsKey(name, version)
	}
	r.put(t, rel.BlobKey, []byte("tarball of "+name+" "+version), ago)
	if docs {
		r.put(t, rel.DocsKey, []byte("docs of "+name+" "+version), ago)
	}
	err := r.st.Update(t.Context(), func(tx store.Tx) error {
		pkg, err := tx.Package(t.Context(), name)
		if errors.Is(err, store.ErrNotFound) {
			pkg = &store.Package{Name: name}
			err = tx.CreatePackage(t.Context(), pkg)
		}
		if err != nil {
			return err
		}
		rel.PackageID = pkg.ID
		return tx.PutRelease(t.Context(), rel)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

func (r registry) wantPresent(t *testing.T, keys ...string) {
	t.Helper()
	for _, key := range keys {
		if _, err := r.blobs.Stat(t.Context(), key); err != nil {
			t.Errorf("%s should have been kept: %v", key, err)
		}
	}
}

func (r registry) wantGone(t *testing.T, keys ...string) {
	t.Helper()
	for _, key := range keys {
		if _, err := r.blobs.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("%s should have been deleted: Stat error %v", key, err)
		}
	}
}

// collect runs gc.Collect and returns its report and the keys it reported
// deleted.
func collect(t *testing.T, r registry, opts gc.Options) (gc.Report, []string) {
	t.Helper()
	var deleted []string
	opts.Deleted = func(key string, _ blob.Info) { deleted = append(deleted, key) }
	rep, err := gc.Collect(t.Context(), r.st, r.blobs, opts)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return rep, deleted
}

// TestCollect builds a registry with what crashes leave behind and checks
// that a collection deletes exactly the unreferenced blobs older than the
// minimum age.
func TestCollect(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r registry) {
		const old = 3 * time.Hour
		// Referenced, all long ago: a release with docs, one without.
		withDocs := r.publish(t, "plug", "1.0.0", true, old)
		noDocs := r.publish(t, "plug", "1.1.0", false, old)
		// A replace whose deletion of the old tarball a crash skipped.
		replaced := r.publish(t, "cowboy", "2.0.0", false, old)
		replacement := r.publish(t, "cowboy", "2.0.0", false, old)
		// A publish killed between its blob and its commit.
		killed := repo.NewTarballKey("ranch", "1.0.0")
		r.put(t, killed, []byte("never committed"), 2*time.Hour)
		// Docs left of a release that has none now, and docs replaced
		// by a later upload of the release's docs.
		strayDocs := repo.NewDocsKey("plug", "1.1.0")
		r.put(t, strayDocs, []byte("removed docs"), old)
		replacedDocs := repo.NewDocsKey("plug", "1.0.0")
		r.put(t, replacedDocs, []byte("older docs"), old)
		// Docs a registry from before per-upload docs keys stored at the
		// fixed key its release still points at.
		legacy := r.publish(t, "ranch", "0.9.0", false, old)
		legacy.DocsKey = "docs/ranch-0.9.0.tar.gz"
		r.put(t, legacy.DocsKey, []byte("legacy docs"), old)
		if err := r.st.Update(t.Context(), func(tx store.Tx) error { return tx.PutRelease(t.Context(), legacy) }); err != nil {
			t.Fatal(err)
		}
		// Unreferenced, but maybe a publish about to commit.
		fresh := repo.NewTarballKey("ranch", "2.0.0")
		r.put(t, fresh, []byte("in flight"), 0)
		recent := repo.NewTarballKey("ranch", "2.0.1")
		r.put(t, recent, []byte("in flight too"), 30*time.Minute)
		// Not a tarball or docs: none of gc's business.
		other := "other/notes.txt"
		r.put(t, other, []byte("operator's"), old)

		referenced := []string{withDocs.BlobKey, withDocs.DocsKey, noDocs.BlobKey, replacement.BlobKey, legacy.BlobKey, legacy.DocsKey}
		orphans := []string{replaced.BlobKey, killed, strayDocs, replacedDocs}
		slices.Sort(orphans)
		orphanBytes := int64(len("tarball of cowboy 2.0.0") + len("never committed") + len("removed docs") + len("older docs"))

		rep, deleted := collect(t, r, gc.Options{MinAge: time.Hour, DryRun: true})
		want := gc.Report{
			Listed: 12, ListedBytes: rep.ListedBytes,
			Referenced: 6, ReferencedBytes: rep.ReferencedBytes,
			Young: 2, YoungBytes: int64(len("in flight") + len("in flight too")),
			Deleted: 4, DeletedBytes: orphanBytes,
		}
		if rep != want {
			t.Errorf("dry run report %+v, want %+v", rep, want)
		}
		if !slices.Equal(deleted, orphans) {
			t.Errorf("dry run would delete %q, want %q", deleted, orphans)
		}
		r.wantPresent(t, orphans...)

		rep, deleted = collect(t, r, gc.Options{MinAge: time.Hour})
		if rep != want {
			t.Errorf("report %+v, want %+v", rep, want)
		}
		if !slices.Equal(deleted, orphans) {
			t.Errorf("deleted %q, want %q", deleted, orphans)
		}
		r.wantGone(t, orphans...)
		r.wantPresent(t, referenced...)
		r.wantPresent(t, fresh, recent, other)

		// Nothing more to do; then, with no minimum age, the young go too.
		if rep, deleted = collect(t, r, gc.Options{MinAge: time.Hour}); rep.Deleted != 0 || len(deleted) != 0 {
			t.Errorf("a second collection deleted %d: %q", rep.Deleted, deleted)
		}
		rep, deleted = collect(t, r, gc.Options{})
		if rep.Deleted != 2 || !slices.Equal(deleted, []string{fresh, recent}) {
			t.Errorf("with no minimum age: deleted %q (%d)", deleted, rep.Deleted)
		}
		r.wantPresent(t, referenced...)
		r.wantPresent(t, other)
	})
}

// hookedStore runs after once the listing of prefix ends, as if it
// happened then.
type hookedStore struct {
	blob.Store
	prefix string
	after  func()
	once   sync.Once
}

func (h *hookedStore) List(ctx context.Context, prefix string, fn func(string, blob.Info) error) error {
	err := h.Store.List(ctx, prefix, fn)
	if prefix == h.prefix {
		h.once.Do(h.after)
	}
	return err
}

// A release committed while the blobs are listed refers to a blob that
// was unreferenced when listed: the collector must see the reference.
func TestCollectSeesReleaseCommittedDuringListing(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r registry) {
		r.publish(t, "plug", "1.0.0", false, 3*time.Hour) // so that the store has releases
		slow := repo.NewTarballKey("slow", "1.0.0")
		r.put(t, slow, []byte("a publish that took long"), 2*time.Hour)
		// Committed once the tarballs are listed, before the docs are.
		hooked := &hookedStore{Store: r.blobs, prefix: "tarballs/", after: func() {
			err := r.st.Update(t.Context(), func(tx store.Tx) error {
				pkg := &store.Package{Name: "slow"}
				if err := tx.CreatePackage(t.Context(), pkg); err != nil {
					return err
				}
				return tx.PutRelease(t.Context(), &store.Release{PackageID: pkg.ID, Version: "1.0.0",
					InnerChecksum: make([]byte, 32), OuterChecksum: make([]byte, 32), BlobKey: slow})
			})
			if err != nil {
				t.Error(err)
			}
		}}
		rep, err := gc.Collect(t.Context(), r.st, hooked, gc.Options{MinAge: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Deleted != 0 || rep.Referenced != 2 {
			t.Errorf("report %+v; want the committed release's blob referenced", rep)
		}
		r.wantPresent(t, slow)
	})
}

// Docs uploaded once everything is listed replace the release's docs:
// the replaced ones, old and no longer referenced, may go, but the new
// ones, which the collection never listed, stay and are what the release
// points at. (When docs were overwritten in place, under one key per
// version, the listed old docs and the new ones were the same blob.)
func TestCollectKeepsDocsUploadedMeanwhile(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r registry) {
		rel := r.publish(t, "plug", "1.0.0", true, 3*time.Hour)
		oldDocs := rel.DocsKey
		last := gc.Prefixes[len(gc.Prefixes)-1]
		hooked := &hookedStore{Store: r.blobs, prefix: last, after: func() {
			// An upload as the API does it: a new key, then the commit.
			rel.DocsKey = repo.NewDocsKey("plug", "1.0.0")
			if _, err := r.blobs.Put(t.Context(), rel.DocsKey, strings.NewReader("new docs")); err != nil {
				t.Error(err)
			}
			if err := r.st.Update(t.Context(), func(tx store.Tx) error { return tx.PutRelease(t.Context(), rel) }); err != nil {
				t.Error(err)
			}
		}}
		rep, deleted := collect(t, registry{st: r.st, backend: backend{blobs: hooked, age: r.age}}, gc.Options{MinAge: time.Hour})
		if !slices.Equal(deleted, []string{oldDocs}) || rep.Referenced != 1 {
			t.Errorf("report %+v, deleted %q; want the replaced docs %s deleted and the tarball kept", rep, deleted, oldDocs)
		}
		r.wantGone(t, oldDocs)
		r.wantPresent(t, rel.BlobKey, rel.DocsKey)
		stored, err := r.st.Release(t.Context(), rel.PackageID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if stored.DocsKey != rel.DocsKey {
			t.Errorf("the release points at %s, want the new docs %s", stored.DocsKey, rel.DocsKey)
		}
	})
}

// A metadata store without releases beside old blobs is most likely the
// wrong database: nothing is deleted.
func TestCollectRefusesEmptyStore(t *testing.T) {
	eachRegistry(t, func(t *testing.T, r registry) {
		if _, err := gc.Collect(t.Context(), r.st, r.blobs, gc.Options{MinAge: time.Hour}); err != nil {
			t.Fatalf("an empty registry: %v", err)
		}
		key := repo.NewTarballKey("plug", "1.0.0")
		r.put(t, key, []byte("tarball"), 3*time.Hour)
		for _, dry := range []bool{true, false} {
			rep, err := gc.Collect(t.Context(), r.st, r.blobs, gc.Options{MinAge: time.Hour, DryRun: dry})
			if !errors.Is(err, gc.ErrNoReleases) || rep.Deleted != 0 {
				t.Errorf("DryRun %v: Collect = %+v, %v; want ErrNoReleases", dry, rep, err)
			}
		}
		r.wantPresent(t, key)
	})
}

func TestCollectRefusesNegativeMinAge(t *testing.T) {
	r := registry{st: openSQLite(t), backend: openFS(t)}
	if _, err := gc.Collect(t.Context(), r.st, r.blobs, gc.Options{MinAge: -time.Second}); err == nil {
		t.Fatal("a negative minimum age was accepted")
	}
}
