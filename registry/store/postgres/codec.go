package postgres

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Times are timestamptz: microseconds, an instant. pgx reads them back in
// the local zone; the store hands them out in UTC.

// now is the current time as the store keeps it.
func now() time.Time { return norm(time.Now()) }

// norm is t as the store keeps it: UTC, whole microseconds. (The server
// would round a finer time; truncating here makes what a write returns
// equal to what a read gives back.)
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// orNow is norm(t), or now() when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return norm(t)
}

// utcPtr is a nullable time read back, in UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// Lists are jsonb arrays. Their element types below name the JSON fields
// themselves, so renaming a Go field in package store cannot change what
// is stored. (jsonb keeps the order of an array, not of an object's keys.)

// toJSON encodes a list; nil and empty both become "[]". pgx sends a
// string to a jsonb parameter as the JSON text it is.
func toJSON[T any](list []T) string {
	if len(list) == 0 {
		return "[]"
	}
	b, err := json.Marshal(list)
	if err != nil { // only plain strings, bools and structs of them
		panic(fmt.Sprintf("postgres store: encoding %T: %v", list, err))
	}
	return string(b)
}

// fromJSON decodes a list; an empty one is nil.
func fromJSON[T any](column string, text []byte) ([]T, error) {
	var list []T
	if err := json.Unmarshal(text, &list); err != nil {
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

// nonNilBlob stores nil as an empty bytea for NOT NULL columns.
func nonNilBlob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// nullID stores the zero ID as NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// storable reports whether PostgreSQL can hold s as text: valid UTF-8
// without NUL. A lookup of any other string finds nothing (no such string
// was ever stored), rather than making the server report an encoding
// error.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
