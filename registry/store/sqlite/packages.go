package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/hexship/ship/registry/store"
)

// linkJSON is one element of packages.links.
type linkJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

const packageColumns = `id, name, description, licenses, links, maintainers, downloads, created_at, updated_at`

func scanPackage(row scanner) (*store.Package, error) {
	var p store.Package
	var licenses, links, maintainers string
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Name, &p.Meta.Description, &licenses, &links, &maintainers,
		&p.Downloads, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if p.Meta.Licenses, err = fromJSON[string]("packages.licenses", licenses); err != nil {
		return nil, err
	}
	if p.Meta.Maintainers, err = fromJSON[string]("packages.maintainers", maintainers); err != nil {
		return nil, err
	}
	list, err := fromJSON[linkJSON]("packages.links", links)
	if err != nil {
		return nil, err
	}
	p.Meta.Links = mapList(list, func(l linkJSON) store.Link { return store.Link{Name: l.Name, URL: l.URL} })
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

func scanPackages(rows *sql.Rows, err error) ([]store.Package, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []store.Package
	for rows.Next() {
		p, err := scanPackage(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, *p)
	}
	return ps, rows.Err()
}

func linksJSON(links []store.Link) string {
	return toJSON(mapList(links, func(l store.Link) linkJSON { return linkJSON{Name: l.Name, URL: l.URL} }))
}

// Package finds a package by exact name.
func (r reads) Package(ctx context.Context, name string) (*store.Package, error) {
	p, err := scanPackage(r.q.QueryRowContext(ctx, `SELECT `+packageColumns+` FROM packages WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("package %q: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("package %q: %w", name, err)
	}
	return p, nil
}

// searchOrders are the ORDER BY clauses of SearchPackages; each is read off
// an index (see the schema), the name breaking ties so pages never overlap.
var searchOrders = map[store.PackageSort]string{
	store.SortName:       `name`,
	store.SortInsertedAt: `created_at DESC, name`,
	store.SortUpdatedAt:  `updated_at DESC, name`,
	store.SortDownloads:  `downloads DESC, name`,
}

// SearchPackages lists one page of the packages whose name or description
// contains q.Search. The page's IDs are found first, walking the sort's
// index (which holds name and description, so the LIKE needs no table
// row) until a page of matches is found: quick for a common word, a scan
// of one index for a rare one. SQLite's LIKE ignores the case of ASCII
// letters only.
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
	limit := fmt.Sprintf(` LIMIT %d OFFSET %d`, perPage, (page-1)*perPage)
	var query string
	var args []any
	if q.Search == "" {
		query = `SELECT ` + packageColumns + ` FROM packages ORDER BY ` + order + limit
	} else {
		query = `SELECT ` + packageColumns + ` FROM packages WHERE id IN (
			SELECT id FROM packages
			WHERE name LIKE ?1 ESCAPE '\' OR description LIKE ?1 ESCAPE '\'
			ORDER BY ` + order + limit + `)
		ORDER BY ` + order
		args = []any{"%" + escapeLike(q.Search) + "%"}
	}
	ps, err := scanPackages(r.q.QueryContext(ctx, query, args...))
	if err != nil {
		return nil, fmt.Errorf("search packages: %w", err)
	}
	return ps, nil
}

// likeEscaper makes every character of a search match itself in a LIKE
// pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }

// PackagesOwnedBy lists the packages a user owns, by name.
func (r reads) PackagesOwnedBy(ctx context.Context, userID int64) ([]store.Package, error) {
	ps, err := scanPackages(r.q.QueryContext(ctx, `
		SELECT `+packageColumns+` FROM packages
		WHERE id IN (SELECT package_id FROM owners WHERE user_id = ?)
		ORDER BY name`, userID))
	if err != nil {
		return nil, fmt.Errorf("packages of user %d: %w", userID, err)
	}
	return ps, nil
}

// CreatePackage inserts p; both its times are p.UpdatedAt when set, the
// current time otherwise.
func (t *tx) CreatePackage(ctx context.Context, p *store.Package) error {
	at := orNow(p.UpdatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO packages (name, description, licenses, links, maintainers, downloads, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		p.Name, p.Meta.Description, toJSON(p.Meta.Licenses), linksJSON(p.Meta.Links), toJSON(p.Meta.Maintainers),
		p.Downloads, micros(at), micros(at)).Scan(&p.ID)
	if err != nil {
		return writeError(fmt.Sprintf("create package %q", p.Name), err)
	}
	p.CreatedAt, p.UpdatedAt = at, at
	return nil
}

// UpdatePackage stores p.Meta and p.UpdatedAt (the current time when zero,
// then set in p).
func (t *tx) UpdatePackage(ctx context.Context, p *store.Package) error {
	at := orNow(p.UpdatedAt)
	res, err := t.tx.ExecContext(ctx, `
		UPDATE packages SET description = ?, licenses = ?, links = ?, maintainers = ?, updated_at = ?
		WHERE id = ?`,
		p.Meta.Description, toJSON(p.Meta.Licenses), linksJSON(p.Meta.Links), toJSON(p.Meta.Maintainers),
		micros(at), p.ID)
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
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
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
