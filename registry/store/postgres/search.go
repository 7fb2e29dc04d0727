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
	rows, err := r.searchQuery(ctx, q, sqlstore.PackageColumns)
	if rows == nil && err == nil {
		return nil, nil
	}
	ps, err := collect(rows, err, scan.Package)
	if err != nil {
		return nil, fmt.Errorf("search packages: %w", err)
	}
	return ps, nil
}

// summaryColumns read a package's versions, newest release and owners
// through the releases' (package_id, version) and (package_id,
// created_at) indexes and the owners' primary key.
var summaryColumns = sqlstore.SummaryColumns{
	Versions:      `coalesce((SELECT json_agg(r.version) FROM releases r WHERE r.package_id = packages.id)::text, '[]')`,
	LastPublished: `(SELECT max(r.created_at) FROM releases r WHERE r.package_id = packages.id)`,
	Owners: `coalesce((SELECT json_agg(u.username) FROM owners o JOIN users u ON u.id = o.user_id
		WHERE o.package_id = packages.id)::text, '[]')`,
}

// PackageSummaries is SearchPackages with each package's latest version,
// newest release and owners, in one statement.
func (r reads) PackageSummaries(ctx context.Context, q store.PackageQuery) ([]store.PackageSummary, error) {
	rows, err := r.searchQuery(ctx, q, summaryColumns.List())
	if rows == nil && err == nil {
		return nil, nil
	}
	ps, err := collect(rows, err, scan.PackageSummary)
	if err != nil {
		return nil, fmt.Errorf("package summaries: %w", err)
	}
	return ps, nil
}

// CountPackages counts the matches of a search, through the trigram
// indexes when the planner finds the word rare enough.
func (r reads) CountPackages(ctx context.Context, search string) (int64, error) {
	s, _, err := sqlstore.PlanSearch(store.PackageQuery{Search: search})
	if err != nil {
		return 0, fmt.Errorf("count packages: %w", err)
	}
	if !storable(search) {
		return 0, nil
	}
	var n int64
	if s.Pattern == "" {
		err = r.q.QueryRow(ctx, `SELECT count(*) FROM packages`).Scan(&n)
	} else {
		err = r.q.QueryRow(ctx, `SELECT count(*) FROM packages WHERE name ILIKE $1 OR description ILIKE $1`,
			pgx.QueryExecModeExec, s.Pattern).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count packages: %w", err)
	}
	return n, nil
}

// searchQuery runs a search selecting cols from packages; no rows and no
// error when nothing can match or the page lies past any table.
func (r reads) searchQuery(ctx context.Context, q store.PackageQuery, cols string) (pgx.Rows, error) {
	s, ok, err := sqlstore.PlanSearch(q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nil // past any table
	}
	if !storable(q.Search) {
		return nil, nil // no stored text contains it
	}
	// QueryExecModeExec: an unnamed statement, planned for these very
	// arguments each time. A cached prepared statement would soon get a
	// generic plan, the same for a word in every other package and for
	// one in ten (walking a sort's index, filtering as it goes: fast for
	// the first, a scan of the whole index for the second); planning for
	// the word lets the planner use the trigram indexes when the word is
	// rare.
	args := []any{pgx.QueryExecModeExec, s.Limit, s.Offset}
	order := s.Order
	var query string
	if s.Pattern == "" {
		query = `SELECT ` + cols + ` FROM packages ORDER BY ` + order + ` LIMIT $1 OFFSET $2`
	} else {
		args = append(args, s.Pattern)
		if s.Relevance {
			order = sqlstore.RelevanceOrder(`lower(name) = $4`, `name ILIKE $5`, `name ILIKE $3`)
			args = append(args, s.Exact, s.Prefix)
		}
		// ILIKE's escape character is a backslash by default, as the
		// pattern has it.
		query = `SELECT ` + cols + ` FROM packages
			WHERE name ILIKE $3 OR description ILIKE $3
			ORDER BY ` + order + ` LIMIT $1 OFFSET $2`
	}
	return r.q.Query(ctx, query, args...)
}
