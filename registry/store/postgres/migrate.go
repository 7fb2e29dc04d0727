package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// migrationFiles are the schema changes, migrations/NNNN_name.sql (see
// sqlstore.ReadMigrations).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

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
// is refused, before anything is changed (sqlstore.Pending).
func migrate(ctx context.Context, conn *pgx.Conn) error {
	known, err := sqlstore.ReadMigrations(migrationFiles)
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
	applied, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sqlstore.Applied])
	if err != nil {
		return err
	}
	pending, err := sqlstore.Pending(known, applied, "schema "+*schema)
	if err != nil {
		return err
	}
	for _, m := range pending {
		if err := apply(ctx, conn, m); err != nil {
			return fmt.Errorf("schema %s, migration %s: %w", *schema, m.Name, describeMigrationError(err))
		}
	}
	return nil
}

// apply runs one migration and records it, in one transaction.
func apply(ctx context.Context, conn *pgx.Conn, m sqlstore.Migration) error {
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
