package sqlite

import (
	"context"
	"database/sql"

	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// querier is what *sql.DB and *sql.Tx have in common: reads run on the
// read pool or inside the write transaction through it.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reads implements store.Reader over q. snapshot runs several queries
// against one committed state (a read transaction on the pool, or the
// write transaction itself).
type reads struct {
	q        querier
	snapshot func(ctx context.Context, fn func(q querier) error) error
}

// collect reads every row of a query (rows, err as QueryContext returns
// them) with scan, one of the methods of scan; no row is a nil list.
func collect[T any](rows *sql.Rows, err error, scan func(sqlstore.Row) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, *v)
	}
	return list, rows.Err()
}
