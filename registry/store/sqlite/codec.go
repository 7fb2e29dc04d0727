package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
)

// querier is what *sql.DB and *sql.Tx have in common: reads run on the
// read pool or inside the write transaction through it.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// reads implements store.Reader over q. snapshot runs several queries
// against one committed state (a read transaction on the pool, or the
// write transaction itself).
type reads struct {
	q        querier
	snapshot func(ctx context.Context, fn func(q querier) error) error
}

// Times are stored as microseconds since the Unix epoch: the precision the
// store promises, in a column that sorts and indexes as an integer.

// now is the current time as the store keeps it.
func now() time.Time { return norm(time.Now()) }

// norm is t as the store keeps it: UTC, whole microseconds.
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// orNow is norm(t), or now() when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return norm(t)
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicros stores a nil time as NULL.
func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(*t), Valid: true}
}

func fromNullMicros(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}

// Lists are JSON arrays. Their element types below name the JSON fields
// themselves, so renaming a Go field in package store cannot change what
// is on disk.

// toJSON encodes a list; nil and empty both become "[]".
func toJSON[T any](list []T) string {
	if len(list) == 0 {
		return "[]"
	}
	b, err := json.Marshal(list)
	if err != nil { // only plain strings, bools and structs of them
		panic(fmt.Sprintf("sqlite store: encoding %T: %v", list, err))
	}
	return string(b)
}

// fromJSON decodes a list; an empty one is nil.
func fromJSON[T any](column, text string) ([]T, error) {
	var list []T
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		return nil, fmt.Errorf("column %s holds invalid JSON: %w", column, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

// mapList converts every element of a list.
func mapList[T, U any](list []T, f func(T) U) []U {
	if len(list) == 0 {
		return nil
	}
	out := make([]U, len(list))
	for i, v := range list {
		out[i] = f(v)
	}
	return out
}

// blob is b with an empty slice read back as nil.
func blob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nonNilBlob stores nil as an empty BLOB for NOT NULL columns.
func nonNilBlob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
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
