package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// SearchPackages lists one page of the packages whose name or description
// contains q.Search, ignoring the case of ASCII letters (the columns are
// COLLATE "C", as SQLite's LIKE does). Without a search a page is read off
// the sort's index; with one, the planner chooses between the trigram
// indexes (a rare word: the few packages containing it, then sorted) and
// the sort's index (a common word: walked until a page of matches).
func (r reads) SearchPackages(ctx context.Context, q store.PackageQuery) ([]store.Package, error) {
	s, ok, err := sqlstore.PlanSearch(q)
	if err != nil {
		return nil, fmt.Errorf("search packages: %w", err)
	}
	if !ok {
		return nil, nil // past any table
	}
	if !storable(q.Search) {
		return nil, nil // no stored text contains it
	}
	var query string
	// QueryExecModeExec: an unnamed statement, planned for these very
	// arguments each time. A cached prepared statement would soon get a
	// generic plan, the same for a word in every other package and for
	// one in ten (walking a sort's index, filtering as it goes: fast for
	// the first, a scan of the whole index for the second); planning for
	// the word lets the planner use the trigram indexes when the word is
	// rare.
	args := []any{pgx.QueryExecModeExec, s.Limit, s.Offset}
	if s.Pattern == "" {
		query = `SELECT ` + sqlstore.PackageColumns + ` FROM packages ORDER BY ` + s.Order + ` LIMIT $1 OFFSET $2`
	} else {
		// ILIKE's escape character is a backslash by default, as the
		// pattern has it.
		query = `SELECT ` + sqlstore.PackageColumns + ` FROM packages
			WHERE name ILIKE $3 OR description ILIKE $3
			ORDER BY ` + s.Order + ` LIMIT $1 OFFSET $2`
		args = append(args, s.Pattern)
	}
	rows, err := r.q.Query(ctx, query, args...)
	ps, err := collect(rows, err, scan.Package)
	if err != nil {
		return nil, fmt.Errorf("search packages: %w", err)
	}
	return ps, nil
}
