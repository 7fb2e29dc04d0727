package postgres_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstoretest"
	"github.com/hexship/ship/registry/store/postgres"
	"github.com/hexship/ship/registry/store/storetest"
)

func TestConformance(t *testing.T) {
	serverDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

// Two Stores on one database behave as two shipyard processes would.
func TestTwoStoresOnOneDatabase(t *testing.T) {
	dsn, _ := newSchema(t)
	sqlstoretest.TwoStores(t, func() (store.Store, error) { return postgres.Open(ctx, dsn) })
}

// Many processes starting at once on a new schema: the advisory lock lets
// one apply the migrations while the others wait, and every one of them
// opens.
func TestConcurrentOpen(t *testing.T) {
	dsn, schema := newSchema(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			s, err := postgres.Open(ctx, dsn)
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	var rows, versions int
	err := connect(t, serverDSN(t)).QueryRow(ctx,
		`SELECT count(*), count(DISTINCT version) FROM `+schema+`.schema_migrations`).Scan(&rows, &versions)
	if err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != versions {
		t.Errorf("schema_migrations has %d rows for %d versions", rows, versions)
	}
}

// A schema that a newer build migrated is refused, naming the server, the
// schema and the unknown migration, and is left as it was.
func TestNewerMigrationRefused(t *testing.T) {
	dsn, schema := newSchema(t)
	s, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	target := s.Target()
	s.Close()
	admin := connect(t, serverDSN(t))
	if _, err := admin.Exec(ctx, `INSERT INTO `+schema+`.schema_migrations (version, name) VALUES (9999, '9999_from_the_future')`); err != nil {
		t.Fatal(err)
	}

	_, err = postgres.Open(ctx, dsn)
	if err == nil {
		t.Fatal("Open accepted a schema with an unknown migration")
	}
	for _, want := range []string{target, schema, "9999_from_the_future", "newer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	var n int
	if err := admin.QueryRow(ctx, `SELECT count(*) FROM `+schema+`.schema_migrations WHERE version = 9999`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the refused schema changed: %d, %v", n, err)
	}
}

// fn runs again, from the start and on a new snapshot, when its
// transaction loses a serialisation conflict: two updates of one package,
// the second made from a snapshot older than the first's commit. Whether
// fn returns the failure or ignores it, what it wrote in the failed run is
// gone and the new run sees the other's update.
func TestUpdateRunsFnAgainAfterSerializationFailure(t *testing.T) {
	for _, swallow := range []bool{false, true} {
		t.Run(fmt.Sprintf("swallowed=%v", swallow), func(t *testing.T) {
			s := open(t)
			err := s.Update(ctx, func(tx store.Tx) error {
				return tx.CreatePackage(ctx, &store.Package{Name: "p", Meta: store.PackageMeta{Description: "first"}})
			})
			if err != nil {
				t.Fatal(err)
			}
			var runs atomic.Int32
			var seen []string
			firstRead, otherDone := make(chan struct{}), make(chan struct{})
			result := make(chan error)
			go func() {
				result <- s.Update(ctx, func(tx store.Tx) error {
					run := runs.Add(1)
					if err := tx.SetIndexEntry(ctx, &store.IndexEntry{Name: fmt.Sprintf("run%d", run)}); err != nil {
						return err
					}
					p, err := tx.Package(ctx, "p")
					if err != nil {
						return err
					}
					seen = append(seen, p.Meta.Description)
					if run == 1 {
						close(firstRead)
						<-otherDone // another process updates p meanwhile
					}
					p.Meta.Description = "after " + p.Meta.Description
					err = tx.UpdatePackage(ctx, p)
					if swallow {
						return nil
					}
					return err
				})
			}()
			<-firstRead
			err = s.Update(ctx, func(tx store.Tx) error {
				p, err := tx.Package(ctx, "p")
				if err != nil {
					return err
				}
				p.Meta.Description = "other"
				return tx.UpdatePackage(ctx, p)
			})
			close(otherDone)
			if err != nil {
				t.Fatal(err)
			}
			if err := <-result; err != nil {
				t.Fatalf("Update that lost the conflict: %v", err)
			}
			if runs.Load() != 2 || strings.Join(seen, ",") != "first,other" {
				t.Errorf("fn ran %d times and saw %q; want 2 runs seeing first, then other", runs.Load(), seen)
			}
			p, err := s.Package(ctx, "p")
			if err != nil || p.Meta.Description != "after other" {
				t.Errorf("package p: %+v, %v; want the second run's update", p, err)
			}
			entries, gen, err := s.IndexEntries(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name != "run2" || gen != 1 {
				t.Errorf("entries %+v at generation %d, want run2 alone at 1", entries, gen)
			}
		})
	}
}

// Text PostgreSQL cannot hold (a NUL character) is refused with a clear
// error by a write, which then changes nothing and leaves the transaction
// usable; lookups of such text find nothing instead of failing.
func TestTextPostgresCannotStore(t *testing.T) {
	s := open(t)
	err := s.Update(ctx, func(tx store.Tx) error {
		err := tx.CreatePackage(ctx, &store.Package{Name: "nul", Meta: store.PackageMeta{Description: "a\x00b"}})
		if err == nil || !strings.Contains(err.Error(), "NUL") {
			t.Errorf("CreatePackage with a NUL in its description: %v", err)
		}
		return tx.CreatePackage(ctx, &store.Package{Name: "fine"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Package(ctx, "fine"); err != nil {
		t.Errorf("the write after the refused one: %v", err)
	}
	if _, err := s.Package(ctx, "nul"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused package: %v", err)
	}

	for what, lookup := range map[string]func(string) error{
		"Package":     func(s_ string) error { _, err := s.Package(ctx, s_); return err },
		"UserByName":  func(s_ string) error { _, err := s.UserByName(ctx, s_); return err },
		"UserByEmail": func(s_ string) error { _, err := s.UserByEmail(ctx, s_); return err },
		"KeyByLookup": func(s_ string) error { _, err := s.KeyByLookup(ctx, s_); return err },
		"KeyByName":   func(s_ string) error { _, err := s.KeyByName(ctx, 1, s_); return err },
		"Release":     func(s_ string) error { _, err := s.Release(ctx, 1, s_); return err },
		"RepoFile":    func(s_ string) error { _, err := s.RepoFile(ctx, s_); return err },
	} {
		for _, bad := range []string{"a\x00b", "\xff\xfe"} {
			if err := lookup(bad); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s(%q): %v, want ErrNotFound", what, bad, err)
			}
		}
	}
	for _, bad := range []string{"\x00", "\xc3"} {
		ps, err := s.SearchPackages(ctx, store.PackageQuery{Search: bad})
		if err != nil || len(ps) != 0 {
			t.Errorf("SearchPackages(%q) = %d packages, %v", bad, len(ps), err)
		}
	}
}

// When fn ignores the failure of a statement that aborted the transaction
// and returns nil, Update does not pretend it committed.
func TestSwallowedFailureNotCommitted(t *testing.T) {
	s := open(t)
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreatePackage(ctx, &store.Package{Name: "before"}); err != nil {
			return err
		}
		if err := tx.PutRepoFile(ctx, &store.RepoFile{Path: "bad\x00path", Body: []byte("b")}); err == nil {
			t.Error("PutRepoFile with a NUL in its path succeeded")
		}
		return nil
	})
	if err == nil {
		t.Fatal("Update returned nil although a statement failed and the server rolled back")
	}
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Update's error %v looks like a sentinel", err)
	}
	if _, err := s.Package(ctx, "before"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a write of the failed transaction is visible: %v", err)
	}
}

// A search_path naming no schema is refused with the reason.
func TestOpenMissingSchema(t *testing.T) {
	dsn := withParam(serverDSN(t), "search_path", randomName("missing_"))
	_, err := postgres.Open(ctx, dsn)
	if err == nil || !strings.Contains(err.Error(), "search_path") || !strings.Contains(err.Error(), "CREATE SCHEMA") {
		t.Errorf("Open with a missing schema: %v", err)
	}
}

// Connecting to a database that does not exist fails naming it, without
// the DSN's password.
func TestOpenMissingDatabaseHidesPassword(t *testing.T) {
	const password = "pw-Missing-Database-7781"
	dsn := withParam(serverDSN(t), "password", password)
	if strings.HasPrefix(dsn, "postgres") {
		dsn = strings.Replace(dsn, "/postgres?", "/no_such_db_4242?", 1)
	} else {
		dsn += " dbname=no_such_db_4242"
	}
	_, err := postgres.Open(ctx, dsn)
	if err == nil {
		t.Fatal("Open of a missing database succeeded")
	}
	if !strings.Contains(err.Error(), "no_such_db_4242") {
		t.Errorf("error %q does not name the database", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("error %q contains the password", err)
	}
}

// Read-modify-write transactions on one row from many goroutines at once,
// the worst case for SERIALIZABLE: every one that overlaps another loses
// and runs again. Each still gets through, since runs again take turns
// (without that, some lose every attempt), and no update is lost.
func TestHotRowUpdatesAllGetThrough(t *testing.T) {
	s := open(t)
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.CreatePackage(ctx, &store.Package{Name: "counter", Meta: store.PackageMeta{Description: "0"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, each = 32, 10
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				err := s.Update(ctx, func(tx store.Tx) error {
					p, err := tx.Package(ctx, "counter")
					if err != nil {
						return err
					}
					var n int
					if _, err := fmt.Sscan(p.Meta.Description, &n); err != nil {
						return err
					}
					p.Meta.Description = fmt.Sprint(n + 1)
					if err := tx.UpdatePackage(ctx, p); err != nil {
						return err
					}
					return tx.SetIndexEntry(ctx, &store.IndexEntry{Name: fmt.Sprintf("g%d-%d", g, i)})
				})
				if err != nil {
					t.Errorf("goroutine %d, update %d: %v", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	p, err := s.Package(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	if p.Meta.Description != fmt.Sprint(goroutines*each) {
		t.Errorf("counter is %s after %d increments", p.Meta.Description, goroutines*each)
	}
	entries, gen, err := s.IndexEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != goroutines*each || gen != goroutines*each {
		t.Errorf("%d entries at generation %d, want %d at %d", len(entries), gen, goroutines*each, goroutines*each)
	}
}
