package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store/postgres"
)

var ctx = context.Background()

// envDSN names the server the tests use; each test works in a schema of
// its own there, dropped when it ends.
const envDSN = "SHIPYARD_TEST_POSTGRES"

const skipMessage = "set SHIPYARD_TEST_POSTGRES to a PostgreSQL DSN (.ci/run starts one) to run the PostgreSQL store tests"

// extSchema holds the pg_trgm extension for the tests' schemas. A database
// has an extension once, in one schema: created by the first test's
// migration it would live in that test's schema and go (with every other
// test's trigram indexes) when that schema is dropped.
const extSchema = "shipyard_test_ext"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envDSN); dsn != "" {
		if err := prepareServer(dsn); err != nil {
			fmt.Fprintf(os.Stderr, "preparing the test server: %v\n", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	dropSeeds()
	os.Exit(code)
}

func prepareServer(dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm')`).Scan(&exists); err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+extSchema+`; CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA `+extSchema)
	return err
}

// serverDSN is the test server's DSN; the test is skipped without one.
func serverDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		t.Skip(skipMessage)
	}
	return dsn
}

// connect opens a plain connection, closed when the test ends.
func connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// randomName is prefix followed by random hex digits: a name no other
// test (or test run) uses.
func randomName(prefix string) string {
	return fmt.Sprintf("%s%016x", prefix, rand.Uint64())
}

// withParam sets a setting of a DSN, in URL or keyword/value form.
func withParam(dsn, key, value string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			panic(err)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value) + "'"
}

// newSchema creates an empty schema on the test server, dropped when the
// test ends, and returns a DSN that works in it.
func newSchema(t testing.TB) (dsn, schema string) {
	t.Helper()
	server := serverDSN(t)
	schema = randomName("t_")
	admin := connect(t, server)
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return withParam(server, "search_path", schema), schema
}

// openDSN opens a store, closed when the test ends.
func openDSN(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(ctx, dsn)
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

// open opens a store in a new schema.
func open(t testing.TB) *postgres.Store {
	t.Helper()
	dsn, _ := newSchema(t)
	return openDSN(t, dsn)
}

// superuser skips the test unless the test server's user is a superuser,
// which the tests that create databases and roles need.
func superuser(t testing.TB) *pgx.Conn {
	t.Helper()
	admin := connect(t, serverDSN(t))
	var super bool
	if err := admin.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil {
		t.Fatal(err)
	}
	if !super {
		t.Skip("needs a superuser in " + envDSN + " (to create databases and roles)")
	}
	return admin
}

// newDatabase creates a database, dropped (with its connections) when the
// test ends, and returns the server's DSN pointed at it.
func newDatabase(t testing.TB, admin *pgx.Conn) (dsn, name string) {
	t.Helper()
	name = randomName("shipyard_t_")
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	server := serverDSN(t)
	if strings.HasPrefix(server, "postgres://") || strings.HasPrefix(server, "postgresql://") {
		u, err := url.Parse(server)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		return u.String(), name
	}
	return server + " dbname=" + name, name
}
