package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// migrationFiles are the schema changes, migrations/NNNN_name.sql, applied
// in order of NNNN. A released migration is never edited: a change is a new
// file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema change.
type migration struct {
	Version int
	Name    string // file name without .sql, e.g. "0001_init"
	SQL     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// migrations reads the embedded migrations, in order, and checks that their
// versions run 1, 2, 3... without a gap or a repeat.
func migrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		v, _ := strconv.Atoi(m[1])
		ms = append(ms, migration{Version: v, Name: e.Name()[:len(e.Name())-len(".sql")], SQL: string(body)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %04d", m.Name, i+1)
		}
	}
	return ms, nil
}

// migrationLock is the first key of the advisory lock that serialises
// migrations ("ship" in ASCII); the second is a hash of the schema's name,
// so that stores in different schemas of one database do not wait for
// each other.
const migrationLock = 0x73686970

// minServerVersion is the oldest PostgreSQL the schema is written for
// (server_version_num): 13 is the first where pg_trgm is a trusted
// extension, which the database's owner may create.
const minServerVersion = 130000

// checkServer refuses a server too old for the schema.
func checkServer(ctx context.Context, conn *pgx.Conn) error {
	var num int
	var version string
	err := conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int, current_setting('server_version')`).Scan(&num, &version)
	if err != nil {
		return err
	}
	if num < minServerVersion {
		return fmt.Errorf("the server runs PostgreSQL %s; the store needs %d or newer", version, minServerVersion/10000)
	}
	return nil
}

// migrate applies the pending migrations on conn, each in its own
// transaction with its record in schema_migrations, so that a crash leaves
// the schema at a migration boundary. It holds a session advisory lock
// from before it looks at what is applied until it is done, so that
// processes starting together on a new database apply each migration
// once: the others wait, then find nothing left to do. A database holding
// a migration this build does not know was written by a newer build and
// is refused, before anything is changed: this one would not know how to
// keep its data right.
func migrate(ctx context.Context, conn *pgx.Conn) error {
	known, err := migrations()
	if err != nil {
		return err
	}
	var schema *string
	var searchPath string
	if err := conn.QueryRow(ctx, `SELECT current_schema(), current_setting('search_path')`).Scan(&schema, &searchPath); err != nil {
		return err
	}
	if schema == nil {
		return fmt.Errorf("no schema of the search_path (%s) exists: create one (CREATE SCHEMA ...) or name an existing one in the DSN's search_path", searchPath)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext($2))`, migrationLock, *schema); err != nil {
		return fmt.Errorf("waiting for the migration lock: %w", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		// A connection whose unlock failed is closed (and the pool drops
		// it): that ends the lock.
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, migrationLock, *schema); err != nil {
			conn.Close(uctx)
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("schema %s: %w", *schema, describeMigrationError(err))
	}
	rows, err := conn.Query(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return err
	}
	done := map[int]bool{}
	var v int
	var name string
	_, err = pgx.ForEachRow(rows, []any{&v, &name}, func() error {
		if v < 1 || v > len(known) {
			return fmt.Errorf("schema %s has migration %s, which this build does not know (it knows up to %s): it was written by a newer version of shipyard; run that version or a newer one",
				*schema, name, known[len(known)-1].Name)
		}
		if known[v-1].Name != name {
			return fmt.Errorf("schema %s has migration %d as %s, this build has it as %s: they come from different versions", *schema, v, name, known[v-1].Name)
		}
		done[v] = true
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range known {
		if done[m.Version] {
			continue
		}
		if err := apply(ctx, conn, m); err != nil {
			return fmt.Errorf("schema %s, migration %s: %w", *schema, m.Name, describeMigrationError(err))
		}
	}
	return nil
}

// apply runs one migration and records it, in one transaction.
func apply(ctx context.Context, conn *pgx.Conn, m migration) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// No arguments: the simple protocol, which runs several statements.
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		return err
	})
}

// describeMigrationError says what an operator can do about the usual
// reasons a migration fails.
func describeMigrationError(err error) error {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.Code == codeInsufficientPrivilege && strings.Contains(e.Message, "extension"):
		return fmt.Errorf("the store's user may not create the pg_trgm extension (%w); have the database's owner or a superuser run CREATE EXTENSION pg_trgm; in this database, then start again", err)
	case e.Code == codeInsufficientPrivilege:
		return fmt.Errorf("the store's user may not create tables here (%w); grant it CREATE on the schema, or name a schema it owns in the DSN's search_path", err)
	case e.Code == codeUndefinedFile:
		return fmt.Errorf("the server has no pg_trgm extension (%w); install PostgreSQL's contrib extensions on the server (part of the server package on Debian and Ubuntu, postgresql-contrib elsewhere)", err)
	case e.Code == codeInvalidSchemaName:
		return fmt.Errorf("no schema to create the tables in (%w); create one or set the DSN's search_path", err)
	}
	return err
}
