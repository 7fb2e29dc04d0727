package sqlstore

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// MigrationDir is the directory of a dialect's embedded file system that
// holds its migrations (//go:embed migrations/*.sql).
const MigrationDir = "migrations"

// Migration is one schema change, a file NNNN_name.sql. A released
// migration is never edited: a change is a new file.
type Migration struct {
	Version int    // NNNN
	Name    string // the file name without .sql, e.g. "0001_init"
	SQL     string
}

// Applied is a row of a database's schema_migrations table.
type Applied struct {
	Version int
	Name    string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// ReadMigrations reads the migrations in MigrationDir of fsys, in order of
// version, and checks that the versions run 1, 2, 3... without a gap or a
// repeat, so that "the database has applied version N" means one file.
func ReadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, MigrationDir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(MigrationDir, e.Name()))
		if err != nil {
			return nil, err
		}
		v, _ := strconv.Atoi(m[1]) // four digits
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(body)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %04d", m.Name, i+1)
		}
	}
	return ms, nil
}

// Pending returns the migrations of known that a database has not
// applied, in order. A database that has applied a migration this build
// does not know was written by a newer build, and one whose migration N is
// another file than this build's was written by a different one: either is
// refused before anything is changed, since this build would not know how
// to keep its data right. where names the database in the error ("the
// database", "schema public").
func Pending(known []Migration, applied []Applied, where string) ([]Migration, error) {
	done := make(map[int]bool, len(applied))
	for _, a := range applied {
		if a.Version < 1 || a.Version > len(known) {
			latest := "nothing"
			if len(known) > 0 {
				latest = known[len(known)-1].Name
			}
			return nil, fmt.Errorf("%s has migration %s, which this build does not know (it knows up to %s): it was written by a newer version of shipyard; run that version or a newer one",
				where, a.Name, latest)
		}
		if k := known[a.Version-1]; k.Name != a.Name {
			return nil, fmt.Errorf("%s has migration %d as %s, this build has it as %s: they come from different versions",
				where, a.Version, a.Name, k.Name)
		}
		done[a.Version] = true
	}
	var pending []Migration
	for _, m := range known {
		if !done[m.Version] {
			pending = append(pending, m)
		}
	}
	return pending, nil
}
