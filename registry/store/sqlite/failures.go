package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// Failures counts the failures under key at or after since.
func (r reads) Failures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM auth_failures WHERE key = ? AND at >= ?`,
		key, micros(sqlstore.Norm(since))).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("failures under %q: %w", key, err)
	}
	return n, nil
}

// RecordFailure records one failure under key at `at` (the current time
// when zero).
func (t *tx) RecordFailure(ctx context.Context, key string, at time.Time) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO auth_failures (key, at) VALUES (?, ?)`, key, micros(sqlstore.OrNow(at))); err != nil {
		return fmt.Errorf("record a failure under %q: %w", key, err)
	}
	return nil
}

// ClearFailures forgets the failures under key.
func (t *tx) ClearFailures(ctx context.Context, key string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM auth_failures WHERE key = ?`, key); err != nil {
		return fmt.Errorf("clear the failures under %q: %w", key, err)
	}
	return nil
}
