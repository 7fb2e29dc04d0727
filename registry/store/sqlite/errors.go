package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/hexship/ship/registry/store"
)

// code is the extended SQLite result code of err, or 0 when err does not
// come from SQLite.
func code(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isBusy reports a lock that could not be had within busy_timeout
// (SQLITE_BUSY and its extended codes).
func isBusy(err error) bool { return code(err)&0xff == sqlite3.SQLITE_BUSY }

// isUnique reports a UNIQUE or PRIMARY KEY constraint violation.
func isUnique(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// isForeignKey reports a reference to a row that does not exist.
func isForeignKey(err error) bool { return code(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY }

// writeError turns a failed write into the store's sentinels: a taken
// unique value is ErrConflict, a reference to a missing row ErrNotFound.
// what says what was being written ("create user \"alice\"").
func writeError(what string, err error) error {
	switch {
	case isUnique(err):
		return fmt.Errorf("%s: %w (%v)", what, store.ErrConflict, err)
	case isForeignKey(err):
		return fmt.Errorf("%s: %w: it refers to a row that does not exist", what, store.ErrNotFound)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// checkPath finds the usual reasons a database file cannot be used before
// SQLite does, since its messages ("unable to open database file") do not
// say which of them it is.
func checkPath(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("cannot use directory %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	fi, err = os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// SQLite creates it.
	case err != nil:
		return fmt.Errorf("cannot use the file: %w", err)
	case fi.IsDir():
		return errors.New("it is a directory, not a database file")
	case !fi.Mode().IsRegular():
		return errors.New("it is not a regular file")
	default:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("the file is not writable: %w", unwrapPathError(err))
		}
		f.Close()
	}
	// SQLite creates the database file and, in WAL mode, the -wal and -shm
	// files beside it: the directory must take new files.
	f, err := os.CreateTemp(dir, ".ship-store-check-*")
	if err != nil {
		return fmt.Errorf("cannot create files in directory %s: %w", dir, unwrapPathError(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// unwrapPathError drops the *fs.PathError around err, whose path the
// caller's message already names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describeOpenError words what SQLite reported when connecting or setting
// up a connection.
func describeOpenError(err error) error {
	switch code(err) & 0xff {
	case sqlite3.SQLITE_NOTADB:
		return errors.New("the file is not an SQLite database")
	case sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("the database file is corrupt: %w", err)
	case sqlite3.SQLITE_CANTOPEN:
		return fmt.Errorf("cannot open the file: %w", err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		return fmt.Errorf("the file is read-only: %w", err)
	case sqlite3.SQLITE_BUSY:
		return fmt.Errorf("the database stayed locked by another process for %v: %w", busyTimeout, err)
	}
	return err
}

// notFound turns sql.ErrNoRows into store.ErrNotFound, naming what was
// looked for.
func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// needRow checks the result of a write that names its row: no row touched
// is ErrNotFound.
func needRow(what string, res sql.Result, err error) error {
	if err != nil {
		return writeError(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}
