package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// Package finds a package by exact name.
func (r reads) Package(ctx context.Context, name string) (*store.Package, error) {
	p, err := scan.Package(r.q.QueryRowContext(ctx, `SELECT `+sqlstore.PackageColumns+` FROM packages WHERE name = ?`, name))
	if err != nil {
		return nil, notFound(fmt.Sprintf("package %q", name), err)
	}
	return p, nil
}

// SearchPackages lists one page of the packages whose name or description
// contains q.Search. The page's IDs are found first, walking the sort's
// index (which holds name and description, so the LIKE needs no table
// row) until a page of matches is found: quick for a common word, a scan
// of one index for a rare one. SQLite's LIKE ignores the case of ASCII
// letters only.
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
	Versions:      `(SELECT json_group_array(r.version) FROM releases r WHERE r.package_id = packages.id)`,
	LastPublished: `(SELECT max(r.created_at) FROM releases r WHERE r.package_id = packages.id)`,
	Owners: `(SELECT json_group_array(u.username) FROM owners o JOIN users u ON u.id = o.user_id
		WHERE o.package_id = packages.id)`,
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

// CountPackages counts the matches of a search: among the trigram
// index's candidates when there are few, else off the name index, which
// holds the descriptions too.
func (r reads) CountPackages(ctx context.Context, search string) (int64, error) {
	s, _, err := sqlstore.PlanSearch(store.PackageQuery{Search: search})
	if err != nil {
		return 0, fmt.Errorf("count packages: %w", err)
	}
	phrase, ok, err := r.trigrams(ctx, search)
	if err != nil {
		return 0, fmt.Errorf("count packages: %w", err)
	}
	var n int64
	switch {
	case s.Pattern == "":
		err = r.q.QueryRowContext(ctx, `SELECT count(*) FROM packages`).Scan(&n)
	case ok:
		err = r.q.QueryRowContext(ctx, `SELECT count(*) FROM packages
			WHERE id IN (SELECT rowid FROM packages_search WHERE packages_search MATCH ?2)
			AND (name LIKE ?1 ESCAPE '\' OR description LIKE ?1 ESCAPE '\')`, s.Pattern, phrase).Scan(&n)
	default:
		err = r.q.QueryRowContext(ctx, `SELECT count(*) FROM packages INDEXED BY packages_name_search
			WHERE name LIKE ?1 ESCAPE '\' OR description LIKE ?1 ESCAPE '\'`, s.Pattern).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count packages: %w", err)
	}
	return n, nil
}

// trigramPhrase is search as an FTS5 phrase for the trigram index, and
// whether the index can answer it: a trigram search needs at least three
// characters.
func trigramPhrase(search string) (string, bool) {
	if utf8.RuneCountInString(search) < 3 || !utf8.ValidString(search) || strings.ContainsRune(search, 0) {
		return "", false
	}
	return `"` + strings.ReplaceAll(search, `"`, `""`) + `"`, true
}

// trigramLimit is the most candidates a search reads from the trigram
// index. A search that common (a word in most descriptions) is quicker
// without it: walking the sort's index stops after a page of matches,
// where the trigram index would first list them all.
const trigramLimit = 2000

// trigrams is trigramPhrase(search) when the trigram index names fewer
// than trigramLimit candidates for it, which one bounded lookup tells.
func (r reads) trigrams(ctx context.Context, search string) (string, bool, error) {
	phrase, ok := trigramPhrase(search)
	if !ok {
		return "", false, nil
	}
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT rowid FROM packages_search WHERE packages_search MATCH ? LIMIT ?)`, phrase, trigramLimit).Scan(&n)
	if err != nil {
		return "", false, err
	}
	return phrase, n < trigramLimit, nil
}

// searchQuery runs a search selecting cols from packages; no rows and no
// error when the page lies past any table.
func (r reads) searchQuery(ctx context.Context, q store.PackageQuery, cols string) (*sql.Rows, error) {
	s, ok, err := sqlstore.PlanSearch(q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nil // past any table
	}
	order := s.Order
	args := []any{}
	phrase, indexed, err := r.trigrams(ctx, q.Search)
	if err != nil {
		return nil, err
	}
	if s.Pattern != "" {
		// ?2 and ?3 are named only by the relevance order; SQLite expects
		// every argument up to the highest number used.
		args = append(args, s.Pattern)
		if s.Relevance || indexed {
			args = append(args, s.Exact, s.Prefix)
		}
	}
	if s.Relevance {
		order = sqlstore.RelevanceOrder(`lower(name) = ?2`, `name LIKE ?3 ESCAPE '\'`, `name LIKE ?1 ESCAPE '\'`)
	}
	// With three characters or more the trigram index names the
	// candidates; the LIKE keeps the store's matching rules exact.
	candidates := ""
	if indexed && s.Pattern != "" {
		candidates = ` id IN (SELECT rowid FROM packages_search WHERE packages_search MATCH ?4) AND`
		args = append(args, phrase)
	}
	limit := fmt.Sprintf(` LIMIT %d OFFSET %d`, s.Limit, s.Offset)
	var query string
	if s.Pattern == "" {
		query = `SELECT ` + cols + ` FROM packages ORDER BY ` + order + limit
	} else {
		query = `SELECT ` + cols + ` FROM packages WHERE id IN (
			SELECT id FROM packages
			WHERE` + candidates + ` (name LIKE ?1 ESCAPE '\' OR description LIKE ?1 ESCAPE '\')
			ORDER BY ` + order + limit + `)
		ORDER BY ` + order
	}
	return r.q.QueryContext(ctx, query, args...)
}

// PackagesOwnedBy lists the packages a user owns, by name.
func (r reads) PackagesOwnedBy(ctx context.Context, userID int64) ([]store.Package, error) {
	rows, err := r.q.QueryContext(ctx, `
		SELECT `+sqlstore.PackageColumns+` FROM packages
		WHERE id IN (SELECT package_id FROM owners WHERE user_id = ?)
		ORDER BY name`, userID)
	ps, err := collect(rows, err, scan.Package)
	if err != nil {
		return nil, fmt.Errorf("packages of user %d: %w", userID, err)
	}
	return ps, nil
}

// CreatePackage inserts p; both its times are p.UpdatedAt when set, the
// current time otherwise.
func (t *tx) CreatePackage(ctx context.Context, p *store.Package) error {
	at := sqlstore.OrNow(p.UpdatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO packages (name, description, licenses, links, maintainers, downloads, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		p.Name, p.Meta.Description, sqlstore.EncodeStrings(p.Meta.Licenses), sqlstore.EncodeLinks(p.Meta.Links),
		sqlstore.EncodeStrings(p.Meta.Maintainers), p.Downloads, micros(at), micros(at)).Scan(&p.ID)
	if err != nil {
		return writeError(fmt.Sprintf("create package %q", p.Name), err)
	}
	p.CreatedAt, p.UpdatedAt = at, at
	return nil
}

// UpdatePackage stores p.Meta and p.UpdatedAt (the current time when zero,
// then set in p).
func (t *tx) UpdatePackage(ctx context.Context, p *store.Package) error {
	at := sqlstore.OrNow(p.UpdatedAt)
	res, err := t.tx.ExecContext(ctx, `
		UPDATE packages SET description = ?, licenses = ?, links = ?, maintainers = ?, updated_at = ?
		WHERE id = ?`,
		p.Meta.Description, sqlstore.EncodeStrings(p.Meta.Licenses), sqlstore.EncodeLinks(p.Meta.Links),
		sqlstore.EncodeStrings(p.Meta.Maintainers), micros(at), p.ID)
	if err := needRow(fmt.Sprintf("update package %q (%d)", p.Name, p.ID), res, err); err != nil {
		return err
	}
	p.UpdatedAt = at
	return nil
}

// DeletePackage removes a package without releases, with its owners (by
// cascade), its repository file "packages/NAME" and its index entry.
func (t *tx) DeletePackage(ctx context.Context, packageID int64) error {
	what := fmt.Sprintf("delete package %d", packageID)
	var name string
	var releases int
	err := t.tx.QueryRowContext(ctx, `
		SELECT name, (SELECT count(*) FROM releases WHERE package_id = packages.id)
		FROM packages WHERE id = ?`, packageID).Scan(&name, &releases)
	if err != nil {
		return notFound(what, err)
	}
	if releases > 0 {
		return fmt.Errorf("%s: %w: package %q still has %d releases", what, store.ErrConflict, name, releases)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM packages WHERE id = ?`, packageID); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := t.DeleteRepoFile(ctx, "packages/"+name); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := t.tx.ExecContext(ctx, `DELETE FROM index_entries WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n > 0 {
		return t.bumpGeneration(ctx)
	}
	return nil
}
