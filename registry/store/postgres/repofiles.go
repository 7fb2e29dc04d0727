package postgres

import (
	"context"
	"fmt"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// RepoFile returns a stored repository file.
func (r reads) RepoFile(ctx context.Context, path string) (*store.RepoFile, error) {
	what := "repository file " + path
	if !storable(path) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	f := store.RepoFile{Path: path}
	err := r.q.QueryRow(ctx, `SELECT body, etag, updated_at FROM repo_files WHERE path = $1`, path).
		Scan(&f.Body, &f.ETag, &f.UpdatedAt)
	if err != nil {
		return nil, notFound(what, err)
	}
	f.Body, f.UpdatedAt = sqlstore.Blob(f.Body), f.UpdatedAt.UTC()
	return &f, nil
}

// PutRepoFile creates or replaces a repository file; a zero UpdatedAt is
// the current time (set in f).
func (t *tx) PutRepoFile(ctx context.Context, f *store.RepoFile) error {
	at := sqlstore.OrNow(f.UpdatedAt)
	_, err := t.q.Exec(ctx, `
		INSERT INTO repo_files (path, body, etag, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (path) DO UPDATE SET body = excluded.body, etag = excluded.etag, updated_at = excluded.updated_at`,
		f.Path, sqlstore.NonNilBlob(f.Body), f.ETag, at)
	if err != nil {
		return writeError("put repository file "+f.Path, err)
	}
	f.UpdatedAt = at
	return nil
}

// DeleteRepoFile removes a repository file, if present.
func (t *tx) DeleteRepoFile(ctx context.Context, path string) error {
	if !storable(path) {
		return nil // it cannot have been stored
	}
	if _, err := t.q.Exec(ctx, `DELETE FROM repo_files WHERE path = $1`, path); err != nil {
		return fmt.Errorf("delete repository file %s: %w", path, err)
	}
	return nil
}
