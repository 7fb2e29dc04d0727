package sqlstore

import (
	"time"

	"github.com/hexship/ship/registry/store"
)

// Both schemas keep times to the microsecond (SQLite as an integer,
// PostgreSQL as timestamptz) and the store hands them out in UTC.

// Now is the current time as the stores keep it.
func Now() time.Time { return Norm(time.Now()) }

// Norm is t as the stores keep it: UTC, whole microseconds. (PostgreSQL
// would round a finer time; truncating before a write makes what the write
// returns equal to what a read gives back.)
func Norm(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// OrNow is Norm(t), or Now() when t is zero.
func OrNow(t time.Time) time.Time {
	if t.IsZero() {
		return Now()
	}
	return Norm(t)
}

// NormPtr is Norm(*t), or nil for nil: a nullable time as the stores keep
// it.
func NormPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	n := Norm(*t)
	return &n
}

// Times is how a dialect's driver reads a time column: the row scanners
// ask it for the scan destination of each. The time it stores may be in
// any zone; the scanners convert it to UTC.
type Times interface {
	// Time returns a destination that sets *t from a NOT NULL column.
	Time(t *time.Time) any
	// NullTime returns a destination that sets *t from a nullable
	// column, to nil for NULL.
	NullTime(t **time.Time) any
}

// utc converts the times *ts to UTC in place.
func utc(ts ...*time.Time) {
	for _, t := range ts {
		*t = t.UTC()
	}
}

// utcPtr is a nullable time in UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// NormUse is a copy of u with its time as the stores keep it (the current
// time when zero, as a touch records it), or nil for nil.
func NormUse(u *store.KeyUse) *store.KeyUse {
	if u == nil {
		return nil
	}
	n := *u
	n.At = OrNow(u.At)
	return &n
}
