package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// Failures counts the failures under key at or after since.
func (r reads) Failures(ctx context.Context, key string, since time.Time) (int, error) {
	if !storable(key) {
		return 0, nil // no failure was recorded under it
	}
	var n int
	err := r.q.QueryRow(ctx, `SELECT count(*) FROM auth_failures WHERE key = $1 AND at >= $2`, key, sqlstore.Norm(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("failures under %q: %w", key, err)
	}
	return n, nil
}

// RecordFailure records one failure under key at `at` (the current time
// when zero).
func (t *tx) RecordFailure(ctx context.Context, key string, at time.Time) error {
	if err := t.guarded(ctx, nil, `INSERT INTO auth_failures (key, at) VALUES ($1, $2)`, key, sqlstore.OrNow(at)); err != nil {
		return writeError(fmt.Sprintf("record a failure under %q", key), err)
	}
	return nil
}

// ClearFailures forgets the failures under key.
func (t *tx) ClearFailures(ctx context.Context, key string) error {
	if !storable(key) {
		return nil // nothing can be stored under it
	}
	if _, err := t.q.Exec(ctx, `DELETE FROM auth_failures WHERE key = $1`, key); err != nil {
		return fmt.Errorf("clear the failures under %q: %w", key, err)
	}
	return nil
}
