package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// Package finds a package by exact name.
func (r reads) Package(ctx context.Context, name string) (*store.Package, error) {
	if !storable(name) {
		return nil, fmt.Errorf("package %q: %w", name, store.ErrNotFound)
	}
	p, err := scan.Package(r.q.QueryRow(ctx, `SELECT `+sqlstore.PackageColumns+` FROM packages WHERE name = $1`, name))
	if err != nil {
		return nil, notFound(fmt.Sprintf("package %q", name), err)
	}
	return p, nil
}

// PackagesOwnedBy lists the packages a user owns, by name.
func (r reads) PackagesOwnedBy(ctx context.Context, userID int64) ([]store.Package, error) {
	rows, err := r.q.Query(ctx, `
		SELECT `+sqlstore.PackageColumns+` FROM packages
		WHERE id IN (SELECT package_id FROM owners WHERE user_id = $1)
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
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO packages (name, description, licenses, links, maintainers, downloads, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		RETURNING id`,
		p.Name, p.Meta.Description, sqlstore.EncodeStrings(p.Meta.Licenses), sqlstore.EncodeLinks(p.Meta.Links),
		sqlstore.EncodeStrings(p.Meta.Maintainers), p.Downloads, at)
	if err != nil {
		return writeError(fmt.Sprintf("create package %q", p.Name), err)
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, at, at
	return nil
}

// UpdatePackage stores p.Meta and p.UpdatedAt (the current time when zero,
// then set in p).
func (t *tx) UpdatePackage(ctx context.Context, p *store.Package) error {
	at := sqlstore.OrNow(p.UpdatedAt)
	tag, err := t.q.Exec(ctx, `
		UPDATE packages SET description = $1, licenses = $2, links = $3, maintainers = $4, updated_at = $5
		WHERE id = $6`,
		p.Meta.Description, sqlstore.EncodeStrings(p.Meta.Licenses), sqlstore.EncodeLinks(p.Meta.Links),
		sqlstore.EncodeStrings(p.Meta.Maintainers), at, p.ID)
	if err := needRow(fmt.Sprintf("update package %q (%d)", p.Name, p.ID), tag, err); err != nil {
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
	var releases int64
	err := t.q.QueryRow(ctx, `
		SELECT name, (SELECT count(*) FROM releases WHERE package_id = packages.id)
		FROM packages WHERE id = $1`, packageID).Scan(&name, &releases)
	if err != nil {
		return notFound(what, err)
	}
	if releases > 0 {
		return fmt.Errorf("%s: %w: package %q still has %d releases", what, store.ErrConflict, name, releases)
	}
	if _, err := t.q.Exec(ctx, `DELETE FROM packages WHERE id = $1`, packageID); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := t.DeleteRepoFile(ctx, "packages/"+name); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	tag, err := t.q.Exec(ctx, `DELETE FROM index_entries WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if tag.RowsAffected() > 0 {
		return t.bumpGeneration(ctx)
	}
	return nil
}
