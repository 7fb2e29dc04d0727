package postgres_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hexship/ship/registry/store"
)

// A schema written before docs had keys of their own (migrations 0001 and
// 0002 applied) keeps serving its docs once upgraded: a release that had
// docs points at the fixed key they were stored under, one without has
// none.
func TestUpgradeKeepsDocsAtTheirOldKey(t *testing.T) {
	dsn, _ := newSchema(t)
	conn := connect(t, dsn)
	var stmts []string
	for _, name := range []string{"0001_init.sql", "0002_search_trgm.sql"} {
		sql, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(sql))
	}
	stmts = append(stmts,
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO schema_migrations (version, name) VALUES (1, '0001_init'), (2, '0002_search_trgm')`,
		`INSERT INTO packages (id, name, created_at, updated_at) VALUES (1, 'plug', now(), now()), (2, 'cowboy', now(), now())`,
		`INSERT INTO releases (package_id, version, inner_checksum, outer_checksum, size, blob_key, app, metadata, has_docs, created_at, updated_at) VALUES
			(1, '1.0.0', '\x00', '\x00', 1, 'tarballs/plug/plug-1.0.0-01.tar', 'plug', '', true, now(), now()),
			(1, '1.1.0-rc.1', '\x00', '\x00', 1, 'tarballs/plug/plug-1.1.0-rc.1-02.tar', 'plug', '', false, now(), now()),
			(2, '2.0.0', '\x00', '\x00', 1, 'tarballs/cowboy/cowboy-2.0.0-03.tar', 'cowboy', '', true, now(), now())`,
	)
	for _, stmt := range stmts {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("preparing the old schema: %v", err)
		}
	}

	s := openDSN(t, dsn)
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
