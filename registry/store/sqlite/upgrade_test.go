package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/sqlite"
)

// A database written before docs had keys of their own (only 0001_init
// applied) keeps serving its docs once upgraded: a release that had docs
// points at the fixed key they were stored under, one without has none.
func TestUpgradeKeepsDocsAtTheirOldKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.db")
	init, err := os.ReadFile(filepath.Join("migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	for _, stmt := range []string{
		string(init),
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_init', 0)`,
		`INSERT INTO packages (id, name, created_at, updated_at) VALUES (1, 'plug', 0, 0), (2, 'cowboy', 0, 0)`,
		`INSERT INTO releases (package_id, version, inner_checksum, outer_checksum, size, blob_key, app, metadata, has_docs, created_at, updated_at) VALUES
			(1, '1.0.0', x'00', x'00', 1, 'tarballs/plug/plug-1.0.0-01.tar', 'plug', x'', 1, 0, 0),
			(1, '1.1.0-rc.1', x'00', x'00', 1, 'tarballs/plug/plug-1.1.0-rc.1-02.tar', 'plug', x'', 0, 0, 0),
			(2, '2.0.0', x'00', x'00', 1, 'tarballs/cowboy/cowboy-2.0.0-03.tar', 'cowboy', x'', 1, 0, 0)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("preparing the old database: %v", err)
		}
	}
	db.Close()

	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrading: %v", err)
	}
	defer s.Close()
	want := map[string]store.ReleaseBlob{
		"plug 1.0.0":      {Package: "plug", Version: "1.0.0", BlobKey: "tarballs/plug/plug-1.0.0-01.tar", DocsKey: "docs/plug-1.0.0.tar.gz"},
		"plug 1.1.0-rc.1": {Package: "plug", Version: "1.1.0-rc.1", BlobKey: "tarballs/plug/plug-1.1.0-rc.1-02.tar"},
		"cowboy 2.0.0":    {Package: "cowboy", Version: "2.0.0", BlobKey: "tarballs/cowboy/cowboy-2.0.0-03.tar", DocsKey: "docs/cowboy-2.0.0.tar.gz"},
	}
	got := map[string]store.ReleaseBlob{}
	if err := s.ReleaseBlobs(ctx, func(b store.ReleaseBlob) error {
		got[b.Package+" "+b.Version] = b
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("ReleaseBlobs: %s = %+v, want %+v", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("ReleaseBlobs visited %d releases, want %d", len(got), len(want))
	}
	rel, err := s.Release(ctx, 1, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if !rel.HasDocs() || rel.DocsKey != "docs/plug-1.0.0.tar.gz" {
		t.Errorf("plug 1.0.0 after the upgrade: DocsKey %q", rel.DocsKey)
	}
}
