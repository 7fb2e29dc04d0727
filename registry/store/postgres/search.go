package postgres

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
)

// searchOrders are the ORDER BY clauses of SearchPackages; each has an
// index (see the schema), the name breaking ties so pages never overlap.
var searchOrders = map[store.PackageSort]string{
	store.SortName:       `name`,
	store.SortInsertedAt: `created_at DESC, name`,
	store.SortUpdatedAt:  `updated_at DESC, name`,
	store.SortDownloads:  `downloads DESC, name`,
}

// SearchPackages lists one page of the packages whose name or description
// contains q.Search, ignoring the case of ASCII letters (the columns are
// COLLATE "C", as SQLite's LIKE does). Without a search a page is read off
// the sort's index; with one, the planner chooses between the trigram
// indexes (a rare word: the few packages containing it, then sorted) and
// the sort's index (a common word: walked until a page of matches).
func (r reads) SearchPackages(ctx context.Context, q store.PackageQuery) ([]store.Package, error) {
	sort := q.Sort
	if sort == "" {
		sort = store.SortName
	}
	order, ok := searchOrders[sort]
	if !ok {
		return nil, fmt.Errorf("search packages: unknown sort %q", sort)
	}
	page, perPage := int64(q.Page), int64(q.PerPage)
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = 100
	}
	if page-1 > math.MaxInt64/perPage {
		return nil, nil // past any table
	}
	if !storable(q.Search) {
		return nil, nil // no stored text contains it
	}
	offset := (page - 1) * perPage
	var query string
	// QueryExecModeExec: an unnamed statement, planned for these very
	// arguments each time. A cached prepared statement would soon get a
	// generic plan, the same for a word in every other package and for
	// one in ten (walking a sort's index, filtering as it goes: fast for
	// the first, a scan of the whole index for the second); planning for
	// the word lets the planner use the trigram indexes when the word is
	// rare.
	args := []any{pgx.QueryExecModeExec, perPage, offset}
	if q.Search == "" {
		query = `SELECT ` + packageColumns + ` FROM packages ORDER BY ` + order + ` LIMIT $1 OFFSET $2`
	} else {
		query = `SELECT ` + packageColumns + ` FROM packages
			WHERE name ILIKE $3 OR description ILIKE $3
			ORDER BY ` + order + ` LIMIT $1 OFFSET $2`
		args = append(args, "%"+escapeLike(q.Search)+"%")
	}
	ps, err := scanPackages(r.q.Query(ctx, query, args...))
	if err != nil {
		return nil, fmt.Errorf("search packages: %w", err)
	}
	return ps, nil
}

// likeEscaper makes every character of a search match itself in an ILIKE
// pattern (whose escape character is \ by default).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }
