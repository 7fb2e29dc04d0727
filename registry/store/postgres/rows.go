package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// scan reads rows of the shared column lists. Times are timestamptz:
// microseconds, an instant, which pgx reads into a time.Time in the local
// zone (the scanner hands them out in UTC).
var scan = sqlstore.Scanner{Times: timestamptz{}}

// timestamptz are the scan destinations of time columns for
// sqlstore.Scanner: the time itself, which pgx fills (a nullable column's
// pointer it sets to nil for NULL).
type timestamptz struct{}

func (timestamptz) Time(t *time.Time) any      { return t }
func (timestamptz) NullTime(t **time.Time) any { return t }

// collect reads every row of a query (rows, err as Query returns them)
// with scan, one of the methods of scan.
func collect[T any](rows pgx.Rows, err error, scan func(sqlstore.Row) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) {
		v, err := scan(row)
		if err != nil {
			var zero T
			return zero, err
		}
		return *v, nil
	})
}

// useColumns are the values of the last_use_at, last_use_ip and
// last_use_user_agent columns for a last use: all NULL for none.
func useColumns(u *store.KeyUse) (at, ip, agent any) {
	if u == nil {
		return nil, nil, nil
	}
	return u.At, u.IP, u.UserAgent
}
