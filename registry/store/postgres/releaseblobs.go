package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// ReleaseBlobs streams the blobs of every release from one statement,
// which PostgreSQL runs on one snapshot.
func (r reads) ReleaseBlobs(ctx context.Context, fn func(store.ReleaseBlob) error) error {
	rows, err := r.q.Query(ctx, sqlstore.ReleaseBlobsQuery)
	if err != nil {
		return fmt.Errorf("release blobs: %w", err)
	}
	var b store.ReleaseBlob
	var stop error // fn's, returned as is
	_, err = pgx.ForEachRow(rows, []any{&b.Package, &b.Version, &b.BlobKey, &b.DocsKey}, func() error {
		stop = fn(b)
		return stop
	})
	switch {
	case stop != nil:
		return stop
	case err != nil:
		return fmt.Errorf("release blobs: %w", err)
	}
	return nil
}
