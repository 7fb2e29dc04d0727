package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// migrationFiles are the schema changes, migrations/NNNN_name.sql (see
// sqlstore.ReadMigrations).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the pending migrations, each in its own transaction with
// its record in schema_migrations, so a crash leaves the schema at a
// migration boundary. It takes the write lock before looking at what is
// applied, so two processes opening a new file at once apply each
// migration once. A database holding a migration this binary does not
// know was written by a newer binary and is refused (sqlstore.Pending).
func migrate(ctx context.Context, db *sql.DB) error {
	known, err := sqlstore.ReadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	for {
		applied, err := migrateOne(ctx, db, known)
		if err != nil {
			return err
		}
		if !applied {
			return nil
		}
	}
}

// migrateOne applies the first pending migration, if any, and reports
// whether it did.
func migrateOne(ctx context.Context, db *sql.DB, known []sqlstore.Migration) (bool, error) {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (writer's _txlock)
	if err != nil {
		return false, describeOpenError(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return false, describeOpenError(err)
	}
	applied, err := appliedMigrations(ctx, tx)
	if err != nil {
		return false, err
	}
	pending, err := sqlstore.Pending(known, applied, "the database")
	if err != nil {
		return false, err
	}
	if len(pending) == 0 {
		return false, tx.Commit()
	}
	m := pending[0]
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("schema migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, time.Now().UnixMicro()); err != nil {
		return false, fmt.Errorf("schema migration %s: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("schema migration %s: %w", m.Name, err)
	}
	return true, nil
}

// appliedMigrations reads schema_migrations, in order of version.
func appliedMigrations(ctx context.Context, tx *sql.Tx) ([]sqlstore.Applied, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var applied []sqlstore.Applied
	for rows.Next() {
		var a sqlstore.Applied
		if err := rows.Scan(&a.Version, &a.Name); err != nil {
			return nil, err
		}
		applied = append(applied, a)
	}
	return applied, rows.Err()
}
