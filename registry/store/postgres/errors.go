package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hexship/ship/registry/store"
)

// SQLSTATE codes the store tells apart.
const (
	codeUniqueViolation       = "23505"
	codeForeignKeyViolation   = "23503"
	codeSerializationFailure  = "40001"
	codeDeadlockDetected      = "40P01"
	codeInFailedTransaction   = "25P02" // an earlier statement failed
	codeInsufficientPrivilege = "42501"
	codeUndefinedFile         = "58P01" // e.g. an extension's control file
	codeInvalidSchemaName     = "3F000" // no schema to create tables in
	codeCharacterNotInRepert  = "22021" // a NUL byte, invalid UTF-8
	codeUntranslatableChar    = "22P05" // \u0000 in jsonb
)

// pgCode is the SQLSTATE of err, or "" when err does not come from the
// server.
func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// isSerialization reports the failures after which the transaction would
// succeed if run again: a serialisation failure or a deadlock.
func isSerialization(err error) bool {
	c := pgCode(err)
	return c == codeSerializationFailure || c == codeDeadlockDetected
}

// writeError turns a failed write into the store's sentinels: a taken
// unique value is ErrConflict, a reference to a missing row ErrNotFound.
// what says what was being written ("create user \"alice\"").
func writeError(what string, err error) error {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return fmt.Errorf("%s: %w", what, err)
	}
	switch e.Code {
	case codeUniqueViolation:
		return fmt.Errorf("%s: %w (%s)", what, store.ErrConflict, e.ConstraintName)
	case codeForeignKeyViolation:
		return fmt.Errorf("%s: %w: it refers to a row that does not exist (%s)", what, store.ErrNotFound, e.ConstraintName)
	case codeCharacterNotInRepert, codeUntranslatableChar:
		return fmt.Errorf("%s: PostgreSQL refuses the text (it stores neither NUL characters nor invalid UTF-8): %w", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
