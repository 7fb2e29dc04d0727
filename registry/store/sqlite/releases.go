package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// Releases lists a package's releases (in ID order, which callers must
// not rely on).
func (r reads) Releases(ctx context.Context, packageID int64) ([]store.Release, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+sqlstore.ReleaseColumns+` FROM releases WHERE package_id = ? ORDER BY id`, packageID)
	rs, err := collect(rows, err, scan.Release)
	if err != nil {
		return nil, fmt.Errorf("releases of package %d: %w", packageID, err)
	}
	return rs, nil
}

// Release finds one release by exact version string.
func (r reads) Release(ctx context.Context, packageID int64, version string) (*store.Release, error) {
	rel, err := scan.Release(r.q.QueryRowContext(ctx,
		`SELECT `+sqlstore.ReleaseColumns+` FROM releases WHERE package_id = ? AND version = ?`, packageID, version))
	if err != nil {
		return nil, notFound(fmt.Sprintf("release %s of package %d", version, packageID), err)
	}
	return rel, nil
}

// PutRelease inserts r or replaces the release of the same version, which
// keeps its ID and CreatedAt (both set in r). Zero times are the current
// time.
func (t *tx) PutRelease(ctx context.Context, r *store.Release) error {
	created, updated := sqlstore.OrNow(r.CreatedAt), sqlstore.OrNow(r.UpdatedAt)
	reason, message := sqlstore.RetirementColumns(r.Retirement)
	var createdMicros int64
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO releases (package_id, version, inner_checksum, outer_checksum, size, blob_key, app,
			build_tools, elixir, requirements, metadata, publisher_id, docs_key,
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
			docs_key = excluded.docs_key,
			retirement_reason = excluded.retirement_reason,
			retirement_message = excluded.retirement_message,
			downloads = excluded.downloads,
			updated_at = excluded.updated_at
		RETURNING id, created_at`,
		r.PackageID, r.Version, sqlstore.NonNilBlob(r.InnerChecksum), sqlstore.NonNilBlob(r.OuterChecksum), r.Size, r.BlobKey, r.App,
		sqlstore.EncodeStrings(r.BuildTools), r.Elixir, sqlstore.EncodeRequirements(r.Requirements), sqlstore.NonNilBlob(r.Metadata),
		sqlstore.NullID(r.PublisherID), r.DocsKey,
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
	reason, message := sqlstore.RetirementColumns(r)
	res, err := t.tx.ExecContext(ctx, `
		UPDATE releases SET retirement_reason = ?, retirement_message = ?, updated_at = ?
		WHERE id = ?`, reason, message, micros(sqlstore.OrNow(at)), releaseID)
	return needRow(fmt.Sprintf("set retirement of release %d", releaseID), res, err)
}
