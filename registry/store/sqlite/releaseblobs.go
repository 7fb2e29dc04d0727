package sqlite

import (
	"context"
	"fmt"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// ReleaseBlobs streams the blobs of every release from one statement,
// which SQLite reads from one snapshot (WAL mode keeps it while writers
// commit).
func (r reads) ReleaseBlobs(ctx context.Context, fn func(store.ReleaseBlob) error) error {
	rows, err := r.q.QueryContext(ctx, sqlstore.ReleaseBlobsQuery)
	if err != nil {
		return fmt.Errorf("release blobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b store.ReleaseBlob
		if err := rows.Scan(&b.Package, &b.Version, &b.BlobKey, &b.DocsKey); err != nil {
			return fmt.Errorf("release blobs: %w", err)
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("release blobs: %w", err)
	}
	return nil
}
