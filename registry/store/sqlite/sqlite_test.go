package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstoretest"
	"github.com/hexship/ship/registry/store/sqlite"
	"github.com/hexship/ship/registry/store/storetest"
)

var ctx = context.Background()

// open opens a store on a new file, closed when the test ends.
func open(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "registry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	u := &store.User{Username: "alice", Email: "alice@example.com"}
	p := &store.Package{Name: "plug", Meta: store.PackageMeta{Links: []store.Link{{Name: "b", URL: "u"}, {Name: "a", URL: "v"}}}}
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.CreatePackage(ctx, p); err != nil {
			return err
		}
		return tx.SetIndexEntry(ctx, &store.IndexEntry{Name: "plug", Names: []byte("n"), Versions: []byte("v")})
	})
	if err != nil {
		t.Fatal(err)
	}
	gen, err := s.IndexGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.UserByName(ctx, "alice")
	if err != nil || got.ID != u.ID || !got.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("user after reopen: %+v, %v; want %+v", got, err, u)
	}
	gp, err := s.Package(ctx, "plug")
	if err != nil || len(gp.Meta.Links) != 2 || gp.Meta.Links[0].Name != "b" {
		t.Errorf("package after reopen: %+v, %v", gp, err)
	}
	if g, err := s.IndexGeneration(ctx); err != nil || g != gen {
		t.Errorf("generation after reopen: %d, %v; want %d", g, err, gen)
	}
	var versions int
	if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&versions); err != nil || versions == 0 {
		t.Errorf("schema_migrations has %d rows (%v)", versions, err)
	}
}

// Two Stores on one file behave as two processes would.
func TestTwoStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.db")
	sqlstoretest.TwoStores(t, func() (store.Store, error) { return sqlite.Open(ctx, path) })
}

// The file is in WAL mode with foreign keys enforced, as Open promises.
func TestPragmas(t *testing.T) {
	s := open(t)
	var mode string
	if err := rawDB(t, s.Path()).QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
	// A release of a package that does not exist is refused by the schema.
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.PutRelease(ctx, &store.Release{PackageID: 12345, Version: "1.0.0"})
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PutRelease for a missing package: %v, want ErrNotFound", err)
	}
}

// A database that a newer binary migrated is refused, naming the file and
// the unknown migration, and is left as it was.
func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_from_the_future', 0)`); err != nil {
		t.Fatal(err)
	}

	_, err = sqlite.Open(ctx, path)
	if err == nil {
		t.Fatal("Open accepted a database with an unknown migration")
	}
	for _, want := range []string{path, "9999_from_the_future", "newer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = 9999`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the refused database changed: %d, %v", n, err)
	}
}

// Open says which path is unusable and why.
func TestOpenUnusablePath(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	subdir := filepath.Join(dir, "subdir")
	if err := os.Mkdir(subdir, 0o755); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want []string
	}{
		{filepath.Join(dir, "missing", "registry.db"), []string{filepath.Join(dir, "missing"), "does not exist"}},
		{filepath.Join(notDir, "registry.db"), []string{notDir, "not a directory"}},
		{subdir, []string{subdir, "is a directory"}},
		{garbage, []string{garbage, "not an SQLite database"}},
		{"", []string{"no database path"}},
	} {
		s, err := sqlite.Open(ctx, c.path)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", c.path)
			continue
		}
		for _, want := range c.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Open(%q): error %q does not say %q", c.path, err, want)
			}
		}
	}
	if data, err := os.ReadFile(garbage); err != nil || !strings.HasPrefix(string(data), "this is not") {
		t.Errorf("Open changed the file that is not a database")
	}
}

// A file or directory the process may not write is refused up front. Root
// may write anything, so this needs an ordinary user.
func TestOpenNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which may write anything")
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(ro, 0o755)
	path := filepath.Join(ro, "registry.db")
	_, err := sqlite.Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("Open in a read-only directory: %v", err)
	}
}

// A path with URI syntax in it is a file name like any other.
func TestOpenOddFileName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a?b#c%20d&e=f.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not at %q: %v", path, err)
	}
}

// rawDB opens the file directly, as an operator's sqlite3 would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
