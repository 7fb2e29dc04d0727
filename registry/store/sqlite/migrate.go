package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"time"
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

// migrate applies the pending migrations, each in its own transaction with
// its record in schema_migrations, so a crash leaves the schema at a
// migration boundary. It takes the write lock before looking at what is
// applied, so two processes opening a new file at once apply each
// migration once. A database holding a migration this binary does not
// know was written by a newer binary and is refused: this one would not
// know how to keep its data right.
func migrate(ctx context.Context, db *sql.DB) error {
	known, err := migrations()
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
func migrateOne(ctx context.Context, db *sql.DB, known []migration) (bool, error) {
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
	rows, err := tx.QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return false, err
	}
	done := map[int]bool{}
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			rows.Close()
			return false, err
		}
		if v < 1 || v > len(known) {
			rows.Close()
			return false, fmt.Errorf("the database has schema migration %s, which this build does not know (it knows up to %s): it was written by a newer version; run that version or a newer one", name, known[len(known)-1].Name)
		}
		if known[v-1].Name != name {
			rows.Close()
			return false, fmt.Errorf("the database's schema migration %d is %s, this build's is %s: they come from different versions", v, name, known[v-1].Name)
		}
		done[v] = true
	}
	if err := rows.Close(); err != nil {
		return false, err
	}
	for _, m := range known {
		if done[m.Version] {
			continue
		}
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
	return false, tx.Commit()
}
