package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
)

// requirementJSON is one element of releases.requirements.
type requirementJSON struct {
	Name        string `json:"name"`
	App         string `json:"app"`
	Requirement string `json:"requirement"`
	Optional    bool   `json:"optional"`
	Repository  string `json:"repository"`
}

const releaseColumns = `id, package_id, version, inner_checksum, outer_checksum, size, blob_key, app,
	build_tools, elixir, requirements, metadata, publisher_id, has_docs,
	retirement_reason, retirement_message, downloads, created_at, updated_at`

func scanRelease(row scanner) (*store.Release, error) {
	var r store.Release
	var buildTools, reqs string
	var publisher sql.NullInt64
	var reason, message sql.NullString
	var created, updated int64
	if err := row.Scan(&r.ID, &r.PackageID, &r.Version, &r.InnerChecksum, &r.OuterChecksum, &r.Size, &r.BlobKey, &r.App,
		&buildTools, &r.Elixir, &reqs, &r.Metadata, &publisher, &r.HasDocs,
		&reason, &message, &r.Downloads, &created, &updated); err != nil {
		return nil, err
	}
	r.InnerChecksum, r.OuterChecksum, r.Metadata = blob(r.InnerChecksum), blob(r.OuterChecksum), blob(r.Metadata)
	var err error
	if r.BuildTools, err = fromJSON[string]("releases.build_tools", buildTools); err != nil {
		return nil, err
	}
	list, err := fromJSON[requirementJSON]("releases.requirements", reqs)
	if err != nil {
		return nil, err
	}
	r.Requirements = mapList(list, func(q requirementJSON) store.Requirement { return store.Requirement(q) })
	r.PublisherID = publisher.Int64
	if reason.Valid {
		r.Retirement = &store.Retirement{Reason: reason.String, Message: message.String}
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &r, nil
}

// Releases lists a package's releases (in ID order, which callers must
// not rely on).
func (r reads) Releases(ctx context.Context, packageID int64) ([]store.Release, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+releaseColumns+` FROM releases WHERE package_id = ? ORDER BY id`, packageID)
	if err != nil {
		return nil, fmt.Errorf("releases of package %d: %w", packageID, err)
	}
	defer rows.Close()
	var rs []store.Release
	for rows.Next() {
		rel, err := scanRelease(rows)
		if err != nil {
			return nil, fmt.Errorf("releases of package %d: %w", packageID, err)
		}
		rs = append(rs, *rel)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("releases of package %d: %w", packageID, err)
	}
	return rs, nil
}

// Release finds one release by exact version string.
func (r reads) Release(ctx context.Context, packageID int64, version string) (*store.Release, error) {
	rel, err := scanRelease(r.q.QueryRowContext(ctx,
		`SELECT `+releaseColumns+` FROM releases WHERE package_id = ? AND version = ?`, packageID, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("release %s of package %d: %w", version, packageID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("release %s of package %d: %w", version, packageID, err)
	}
	return rel, nil
}

// PutRelease inserts r or replaces the release of the same version, which
// keeps its ID and CreatedAt (both set in r). Zero times are the current
// time.
func (t *tx) PutRelease(ctx context.Context, r *store.Release) error {
	created, updated := orNow(r.CreatedAt), orNow(r.UpdatedAt)
	var reason, message sql.NullString
	if r.Retirement != nil {
		reason = sql.NullString{String: r.Retirement.Reason, Valid: true}
		message = sql.NullString{String: r.Retirement.Message, Valid: true}
	}
	var publisher sql.NullInt64
	if r.PublisherID != 0 {
		publisher = sql.NullInt64{Int64: r.PublisherID, Valid: true}
	}
	reqs := toJSON(mapList(r.Requirements, func(q store.Requirement) requirementJSON { return requirementJSON(q) }))
	var createdMicros int64
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO releases (package_id, version, inner_checksum, outer_checksum, size, blob_key, app,
			build_tools, elixir, requirements, metadata, publisher_id, has_docs,
			retirement_reason, retirement_message, downloads, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (package_id, version) DO UPDATE SET
			inner_checksum = excluded.inner_checksum,
			outer_checksum = excluded.outer_checksum,
			size = excluded.size,
			blob_key = excluded.blob_key,
			app = excluded.app,
			build_tools = excluded.build_tools,
			elixir = excluded.elixir,
			requirements = excluded.requirements,
			metadata = excluded.metadata,
			publisher_id = excluded.publisher_id,
			has_docs = excluded.has_docs,
			retirement_reason = excluded.retirement_reason,
			retirement_message = excluded.retirement_message,
			downloads = excluded.downloads,
			updated_at = excluded.updated_at
		RETURNING id, created_at`,
		r.PackageID, r.Version, nonNilBlob(r.InnerChecksum), nonNilBlob(r.OuterChecksum), r.Size, r.BlobKey, r.App,
		toJSON(r.BuildTools), r.Elixir, reqs, nonNilBlob(r.Metadata), publisher, r.HasDocs,
		reason, message, r.Downloads, micros(created), micros(updated)).Scan(&r.ID, &createdMicros)
	if err != nil {
		return writeError(fmt.Sprintf("put release %s of package %d", r.Version, r.PackageID), err)
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(createdMicros), updated
	return nil
}

// DeleteRelease removes one release.
func (t *tx) DeleteRelease(ctx context.Context, releaseID int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM releases WHERE id = ?`, releaseID)
	return needRow(fmt.Sprintf("delete release %d", releaseID), res, err)
}

// SetRetirement retires or unretires a release; at becomes its UpdatedAt.
func (t *tx) SetRetirement(ctx context.Context, releaseID int64, r *store.Retirement, at time.Time) error {
	var reason, message sql.NullString
	if r != nil {
		reason = sql.NullString{String: r.Reason, Valid: true}
		message = sql.NullString{String: r.Message, Valid: true}
	}
	res, err := t.tx.ExecContext(ctx, `
		UPDATE releases SET retirement_reason = ?, retirement_message = ?, updated_at = ?
		WHERE id = ?`, reason, message, micros(orNow(at)), releaseID)
	return needRow(fmt.Sprintf("set retirement of release %d", releaseID), res, err)
}
