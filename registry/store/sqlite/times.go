package sqlite

import (
	"database/sql"
	"errors"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// Times are stored as microseconds since the Unix epoch: the precision the
// store promises, in a column that sorts and indexes as an integer.

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// scan reads rows of the shared column lists, with times in microseconds.
var scan = sqlstore.Scanner{Times: microTimes{}}

// microTimes are the scan destinations of time columns for
// sqlstore.Scanner.
type microTimes struct{}

func (microTimes) Time(t *time.Time) any      { return microTime{t} }
func (microTimes) NullTime(t **time.Time) any { return nullMicroTime{t} }

// microTime sets a time from a NOT NULL INTEGER column. It converts the
// value as database/sql converts one for an *int64.
type microTime struct{ t *time.Time }

func (d microTime) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	if !n.Valid {
		return errors.New("NULL in a NOT NULL time column")
	}
	*d.t = fromMicros(n.Int64)
	return nil
}

// nullMicroTime sets a time from a nullable INTEGER column, nil for NULL.
type nullMicroTime struct{ t **time.Time }

func (d nullMicroTime) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*d.t = nil
	if n.Valid {
		t := fromMicros(n.Int64)
		*d.t = &t
	}
	return nil
}

// nullMicros stores a nullable time: NULL for nil.
func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micros(*t)
}

// useColumns are the values of the last_use_at, last_use_ip and
// last_use_user_agent columns for a last use: all NULL for none.
func useColumns(u *store.KeyUse) (at, ip, agent any) {
	if u == nil {
		return nil, nil, nil
	}
	return micros(u.At), u.IP, u.UserAgent
}
