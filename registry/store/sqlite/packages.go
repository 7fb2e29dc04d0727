package sqlite

import (
	"context"
	"fmt"

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
	s, ok, err := sqlstore.PlanSearch(q)
	if err != nil {
		return nil, fmt.Errorf("search packages: %w", err)
	}
	if !ok {
		return nil, nil // past any table
	}
	limit := fmt.Sprintf(` LIMIT %d OFFSET %d`, s.Limit, s.Offset)
	var query string
	var args []any
	if s.Pattern == "" {
		query = `SELECT ` + sqlstore.PackageColumns + ` FROM packages ORDER BY ` + s.Order + limit
	} else {
		query = `SELECT ` + sqlstore.PackageColumns + ` FROM packages WHERE id IN (
			SELECT id FROM packages
			WHERE name LIKE ?1 ESCAPE '\' OR description LIKE ?1 ESCAPE '\'
			ORDER BY ` + s.Order + limit + `)
		ORDER BY ` + s.Order
		args = []any{s.Pattern}
	}
	rows, err := r.q.QueryContext(ctx, query, args...)
	ps, err := collect(rows, err, scan.Package)
	if err != nil {
		return nil, fmt.Errorf("search packages: %w", err)
	}
	return ps, nil
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
