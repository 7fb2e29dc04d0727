package sqlite

import (
	"context"
	"fmt"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// RepoFile returns a stored repository file.
func (r reads) RepoFile(ctx context.Context, path string) (*store.RepoFile, error) {
	f := store.RepoFile{Path: path}
	var updated int64
	err := r.q.QueryRowContext(ctx, `SELECT body, etag, updated_at FROM repo_files WHERE path = ?`, path).
		Scan(&f.Body, &f.ETag, &updated)
	if err != nil {
		return nil, notFound("repository file "+path, err)
	}
	f.Body, f.UpdatedAt = sqlstore.Blob(f.Body), fromMicros(updated)
	return &f, nil
}

// PutRepoFile creates or replaces a repository file; a zero UpdatedAt is
// the current time (set in f).
func (t *tx) PutRepoFile(ctx context.Context, f *store.RepoFile) error {
	at := sqlstore.OrNow(f.UpdatedAt)
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO repo_files (path, body, etag, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (path) DO UPDATE SET body = excluded.body, etag = excluded.etag, updated_at = excluded.updated_at`,
		f.Path, sqlstore.NonNilBlob(f.Body), f.ETag, micros(at))
	if err != nil {
		return fmt.Errorf("put repository file %s: %w", f.Path, err)
	}
	f.UpdatedAt = at
	return nil
}

// DeleteRepoFile removes a repository file, if present.
func (t *tx) DeleteRepoFile(ctx context.Context, path string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM repo_files WHERE path = ?`, path); err != nil {
		return fmt.Errorf("delete repository file %s: %w", path, err)
	}
	return nil
}
