package sqlstore

import (
	"fmt"
	"math"
	"strings"

	"github.com/hexship/ship/registry/store"
)

// searchOrders are the ORDER BY clauses of SearchPackages. Both schemas
// have an index for each; the name breaks ties so that pages never
// overlap.
var searchOrders = map[store.PackageSort]string{
	store.SortName:       `name`,
	store.SortInsertedAt: `created_at DESC, name`,
	store.SortUpdatedAt:  `updated_at DESC, name`,
	store.SortDownloads:  `downloads DESC, name`,
}

// Search is a SearchPackages request made ready for SQL.
type Search struct {
	Order  string // the ORDER BY clause, over the packages table's columns
	Limit  int64  // the page size
	Offset int64  // the rows before the page
	// Pattern matches the search text anywhere in a LIKE or ILIKE with
	// backslash as the escape character (PostgreSQL's default; SQLite
	// needs ESCAPE '\'); "" when there is no search text.
	Pattern string
	// Relevance asks for SortRelevance with a search: the dialect writes
	// the ORDER BY (Order is "") from Exact, Prefix and Pattern.
	Relevance bool
	// Exact is the search text lower-cased (names match it exactly,
	// whatever their case); Prefix is a LIKE pattern of names starting
	// with it. Both are set only for Relevance.
	Exact, Prefix string
}

// RelevanceOrder is SortRelevance's ORDER BY given the dialect's
// expressions: eq is "the name is the search text", prefix "the name
// starts with it" and contains "the name contains it". Descriptions that
// match rank after every name that does; then downloads, then the name.
func RelevanceOrder(eq, prefix, contains string) string {
	return `CASE WHEN ` + eq + ` THEN 0 WHEN ` + prefix + ` THEN 1 WHEN ` + contains +
		` THEN 2 ELSE 3 END, downloads DESC, name`
}

// PlanSearch resolves q's defaults (by name, page 1, 100 a page). ok is
// false when the page starts past the end of any table, so there is
// nothing to query; an unknown sort is an error.
func PlanSearch(q store.PackageQuery) (s Search, ok bool, err error) {
	sort := q.Sort
	if sort == "" {
		sort = store.SortName
	}
	relevance := sort == store.SortRelevance
	if relevance && q.Search == "" {
		sort, relevance = store.SortDownloads, false // nothing to match: popularity alone
	}
	order, known := searchOrders[sort]
	if relevance {
		order, known = "", true
	}
	if !known {
		return Search{}, false, fmt.Errorf("unknown sort %q", sort)
	}
	page, perPage := int64(q.Page), int64(q.PerPage)
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = 100
	}
	if page-1 > math.MaxInt64/perPage {
		return Search{}, false, nil // the offset would overflow
	}
	s = Search{Order: order, Limit: perPage, Offset: (page - 1) * perPage}
	if q.Search != "" {
		s.Pattern = "%" + likeEscaper.Replace(q.Search) + "%"
	}
	if relevance {
		s.Relevance = true
		s.Exact = strings.ToLower(q.Search)
		s.Prefix = likeEscaper.Replace(q.Search) + "%"
	}
	return s, true, nil
}

// likeEscaper makes every character of a search match itself in a LIKE
// pattern whose escape character is a backslash.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
