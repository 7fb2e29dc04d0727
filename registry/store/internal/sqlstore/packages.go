package sqlstore

import "github.com/hexship/ship/registry/store"

// PackageColumns are the packages columns Scanner.Package reads, in its
// order.
const PackageColumns = `id, name, description, licenses, links, maintainers, downloads, created_at, updated_at`

// Package reads a row of PackageColumns.
func (s Scanner) Package(row Row) (*store.Package, error) {
	var p store.Package
	var licenses, links, maintainers []byte
	if err := row.Scan(&p.ID, &p.Name, &p.Meta.Description, &licenses, &links, &maintainers,
		&p.Downloads, s.Times.Time(&p.CreatedAt), s.Times.Time(&p.UpdatedAt)); err != nil {
		return nil, err
	}
	var err error
	if p.Meta.Licenses, err = fromJSON[string]("packages.licenses", licenses); err != nil {
		return nil, err
	}
	if p.Meta.Maintainers, err = fromJSON[string]("packages.maintainers", maintainers); err != nil {
		return nil, err
	}
	if p.Meta.Links, err = decodeLinks("packages.links", links); err != nil {
		return nil, err
	}
	utc(&p.CreatedAt, &p.UpdatedAt)
	return &p, nil
}
