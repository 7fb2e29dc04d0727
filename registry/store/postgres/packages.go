package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
)

// linkJSON is one element of packages.links.
type linkJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

const packageColumns = `id, name, description, licenses, links, maintainers, downloads, created_at, updated_at`

func scanPackage(row pgx.Row) (*store.Package, error) {
	var p store.Package
	var licenses, links, maintainers []byte
	if err := row.Scan(&p.ID, &p.Name, &p.Meta.Description, &licenses, &links, &maintainers,
		&p.Downloads, &p.CreatedAt, &p.UpdatedAt); err != nil {
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
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

func scanPackages(rows pgx.Rows, err error) ([]store.Package, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Package, error) {
		p, err := scanPackage(row)
		if err != nil {
			return store.Package{}, err
		}
		return *p, nil
	})
}

func linksJSON(links []store.Link) string {
	return toJSON(mapList(links, func(l store.Link) linkJSON { return linkJSON{Name: l.Name, URL: l.URL} }))
}

// Package finds a package by exact name.
func (r reads) Package(ctx context.Context, name string) (*store.Package, error) {
	if !storable(name) {
		return nil, fmt.Errorf("package %q: %w", name, store.ErrNotFound)
	}
	p, err := scanPackage(r.q.QueryRow(ctx, `SELECT `+packageColumns+` FROM packages WHERE name = $1`, name))
	if err != nil {
		return nil, notFound(fmt.Sprintf("package %q", name), err)
	}
	return p, nil
}

// PackagesOwnedBy lists the packages a user owns, by name.
func (r reads) PackagesOwnedBy(ctx context.Context, userID int64) ([]store.Package, error) {
	ps, err := scanPackages(r.q.Query(ctx, `
		SELECT `+packageColumns+` FROM packages
		WHERE id IN (SELECT package_id FROM owners WHERE user_id = $1)
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
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO packages (name, description, licenses, links, maintainers, downloads, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		RETURNING id`,
		p.Name, p.Meta.Description, toJSON(p.Meta.Licenses), linksJSON(p.Meta.Links), toJSON(p.Meta.Maintainers),
		p.Downloads, at)
	if err != nil {
		return writeError(fmt.Sprintf("create package %q", p.Name), err)
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, at, at
	return nil
}

// UpdatePackage stores p.Meta and p.UpdatedAt (the current time when zero,
// then set in p).
func (t *tx) UpdatePackage(ctx context.Context, p *store.Package) error {
	at := orNow(p.UpdatedAt)
	tag, err := t.q.Exec(ctx, `
		UPDATE packages SET description = $1, licenses = $2, links = $3, maintainers = $4, updated_at = $5
		WHERE id = $6`,
		p.Meta.Description, toJSON(p.Meta.Licenses), linksJSON(p.Meta.Links), toJSON(p.Meta.Maintainers),
		at, p.ID)
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
