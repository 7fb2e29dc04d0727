package httpapi_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/gc"
	"github.com/hexship/ship/registry/store"
)

// docsOf is a gzipped tar with one page saying text, so that uploads can
// be told apart.
func docsOf(t *testing.T, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "index.html", Mode: 0o644, Size: int64(len(text)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(text))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docsBlobs lists the blob files holding docs.
func (r *testRegistry) docsBlobs() []string {
	r.t.Helper()
	var docs []string
	for _, f := range r.blobFiles() {
		if strings.HasPrefix(f, "docs/") {
			docs = append(docs, f)
		}
	}
	return docs
}

// wantDocs checks that the repository serves want as NAME-VERSION's docs.
func (r *testRegistry) wantDocs(nameVersion string, want []byte) {
	r.t.Helper()
	if got := r.call("GET", "/repo/docs/"+nameVersion+".tar.gz").wantStatus(http.StatusOK).body; !bytes.Equal(got, want) {
		r.t.Errorf("the served docs of %s are not the last ones uploaded", nameVersion)
	}
}

// A second upload is served instead of the first, whose blob is deleted;
// a replace of the release keeps the docs; a removal leaves nothing.
func TestDocsReuploadDeletesTheOldBlob(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	const docsPath = "/api/packages/base/releases/1.0.0/docs"

	first, second := docsOf(t, "first"), docsOf(t, "second")
	reg.call("POST", docsPath, auth(key), body(mediaTar, first)).wantStatus(http.StatusCreated)
	before := reg.docsBlobs()
	if len(before) != 1 {
		t.Fatalf("docs blobs after one upload: %q", before)
	}
	reg.call("POST", docsPath, auth(key), body(mediaTar, second)).wantStatus(http.StatusCreated)
	reg.wantDocs("base-1.0.0", second)
	after := reg.docsBlobs()
	if len(after) != 1 || after[0] == before[0] {
		t.Errorf("docs blobs after a second upload: %q, want one other than %q", after, before)
	}

	// Republishing the version keeps its docs.
	reg.publish(key, "base", build(t, metadata("base", "1.0.0")), true).wantStatus(http.StatusOK)
	reg.wantDocs("base-1.0.0", second)
	if get(reg.call("GET", "/api/packages/base/releases/1.0.0").object(), "has_docs") != true {
		t.Error("has_docs is not set after a replace")
	}
	if docs := reg.docsBlobs(); !slices.Equal(docs, after) {
		t.Errorf("docs blobs after a replace: %q, want %q", docs, after)
	}

	reg.call("DELETE", docsPath, auth(key)).wantStatus(http.StatusNoContent)
	reg.call("GET", "/repo/docs/base-1.0.0.tar.gz").wantStatus(http.StatusNotFound)
	reg.call("GET", docsPath).wantStatus(http.StatusNotFound)
	if docs := reg.docsBlobs(); len(docs) != 0 {
		t.Errorf("docs blobs after the removal: %q", docs)
	}
	// Removing docs that are not there changes nothing.
	reg.call("DELETE", docsPath, auth(key)).wantStatus(http.StatusNoContent)
}

// hookedBlobs runs afterDocs once a docs blob is stored, as if another
// request had committed then.
type hookedBlobs struct {
	blob.Store
	afterDocs func()
}

func (h *hookedBlobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	n, err := h.Store.Put(ctx, key, r)
	if err == nil && strings.HasPrefix(key, "docs/") && h.afterDocs != nil {
		h.afterDocs()
	}
	return n, err
}

// An upload whose release is reverted while its docs are being stored
// fails, and leaves no blob behind.
func TestFailedDocsUploadLeavesNothing(t *testing.T) {
	hooked := &hookedBlobs{}
	reg := newRegistry(t, shipyardtest.WrapBlobs(func(b blob.Store) blob.Store { hooked.Store = b; return hooked }))
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "keep", "1.0.0")
	reg.mustPublish(key, "base", "1.0.0")
	hooked.afterDocs = func() {
		reg.call("DELETE", "/api/packages/base/releases/1.0.0", auth(key)).wantStatus(http.StatusNoContent)
	}
	reg.call("POST", "/api/packages/base/releases/1.0.0/docs", auth(key), body(mediaTar, docsOf(t, "orphan"))).
		wantStatus(http.StatusNotFound)
	if blobs := reg.blobFiles(); len(blobs) != 1 || !strings.Contains(blobs[0], "keep-1.0.0") {
		t.Errorf("blobs after the failed upload: %q, want keep's tarball only", blobs)
	}
}

// A collection keeps the docs a release points at and takes docs that a
// crash left behind.
func TestGCKeepsCurrentDocs(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	docs := docsOf(t, "current")
	reg.call("POST", "/api/packages/base/releases/1.0.0/docs", auth(key), body(mediaTar, docs)).wantStatus(http.StatusCreated)
	current := reg.docsBlobs()
	// Docs replaced by an upload killed before it deleted them.
	const stray = "docs/base/base-1.0.0-0123456789abcdef.tar.gz"
	if _, err := reg.Backends.Blobs.Put(t.Context(), stray, bytes.NewReader(docsOf(t, "replaced"))); err != nil {
		t.Fatal(err)
	}
	var deleted []string
	rep, err := gc.Collect(t.Context(), reg.Backends.Store, reg.Backends.Blobs, gc.Options{Deleted: func(key string, _ blob.Info) {
		deleted = append(deleted, key)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deleted, []string{stray}) || rep.Referenced != 2 {
		t.Errorf("collection deleted %q (report %+v), want %s only", deleted, rep, stray)
	}
	reg.wantDocs("base-1.0.0", docs)
	if got := reg.docsBlobs(); !slices.Equal(got, current) {
		t.Errorf("docs blobs after the collection: %q, want %q", got, current)
	}
}

// A registry written before docs had keys of their own (its database has
// only the first migration) keeps serving its docs from where they are
// once upgraded, and a new upload replaces them as usual.
func TestDocsOfAnUpgradedRegistry(t *testing.T) {
	dataDir := t.TempDir()
	init, err := os.ReadFile(filepath.Join("..", "store", "sqlite", "migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dataDir, "shipyard.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		string(init),
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_init', 0)`,
		`INSERT INTO packages (id, name, created_at, updated_at) VALUES (1, 'base', 0, 0)`,
		`INSERT INTO releases (package_id, version, inner_checksum, outer_checksum, size, blob_key, app, metadata, has_docs, created_at, updated_at)
			VALUES (1, '1.0.0', zeroblob(32), zeroblob(32), 1, 'tarballs/base/base-1.0.0-01.tar', 'base', x'', 1, 0, 0)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("preparing the old database: %v", err)
		}
	}
	db.Close()

	reg := newRegistry(t, shipyardtest.DataDir(dataDir))
	legacy := docsOf(t, "from before")
	if _, err := reg.Backends.Blobs.Put(t.Context(), "docs/base-1.0.0.tar.gz", bytes.NewReader(legacy)); err != nil {
		t.Fatal(err)
	}
	reg.wantDocs("base-1.0.0", legacy)
	if get(reg.call("GET", "/api/packages/base/releases/1.0.0").object(), "has_docs") != true {
		t.Error("has_docs is not set after the upgrade")
	}

	alice := reg.AddUser(t, "alice")
	key := reg.AddKey(t, alice, "k")
	if err := reg.Backends.Store.Update(t.Context(), func(tx store.Tx) error {
		return tx.SetOwner(t.Context(), 1, alice.ID, store.LevelFull)
	}); err != nil {
		t.Fatal(err)
	}
	docs := docsOf(t, "new")
	reg.call("POST", "/api/packages/base/releases/1.0.0/docs", auth(key), body(mediaTar, docs)).wantStatus(http.StatusCreated)
	reg.wantDocs("base-1.0.0", docs)
	if got := reg.docsBlobs(); len(got) != 1 || got[0] == "docs/base-1.0.0.tar.gz" {
		t.Errorf("docs blobs after a new upload: %q, want the new one only", got)
	}
}

// Docs are not part of the signed files: uploading or deleting them must
// leave /names and /versions as they are, rather than cost every client a
// refetch and the server a rebuild.
func TestDocsLeaveTheSignedIndexAlone(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	generation := func() int64 {
		gen, err := reg.Backends.Store.IndexGeneration(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return gen
	}
	before := generation()
	reg.call("POST", "/api/packages/base/releases/1.0.0/docs", auth(key), body(mediaTar, docsTarball(t))).wantStatus(http.StatusCreated)
	reg.call("DELETE", "/api/packages/base/releases/1.0.0/docs", auth(key)).wantStatus(http.StatusNoContent)
	if after := generation(); after != before {
		t.Errorf("the index generation went from %d to %d on a docs upload and delete: /names and /versions will be rebuilt for nothing", before, after)
	}
}
