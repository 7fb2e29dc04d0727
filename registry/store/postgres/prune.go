package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// pruneStatements delete what can no longer matter. Each has one
// parameter: the cutoff (sqlstore.PruneCutoff), or `at` itself when byAt
// is set. A stale session's tokens are deleted before it, by a statement
// of their own, so that they are counted (a cascade's rows are not).
var pruneStatements = []struct {
	query string
	byAt  bool
}{
	{`DELETE FROM device_codes WHERE expires_at < $1`, false},
	{`DELETE FROM auth_failures WHERE at < $1`, false},
	{`DELETE FROM web_sessions WHERE expires_at <= $1`, true},
	{`DELETE FROM oauth_tokens WHERE session_id IN (
		SELECT id FROM oauth_sessions WHERE expires_at < $1 OR revoked_at < $1)`, false},
	{`DELETE FROM oauth_sessions WHERE expires_at < $1 OR revoked_at < $1`, false},
}

// PruneAuth deletes device codes expired over a day (sqlstore.AuthGrace)
// before `at`, failures over a day old, web sessions expired at `at`, and
// OAuth sessions expired or revoked over a day before it with their
// tokens. It returns how many rows went, tokens included.
func (t *tx) PruneAuth(ctx context.Context, at time.Time) (int64, error) {
	cutoff, now := sqlstore.PruneCutoff(at), sqlstore.Norm(at)
	var total int64
	for _, p := range pruneStatements {
		arg := cutoff
		if p.byAt {
			arg = now
		}
		tag, err := t.q.Exec(ctx, p.query, arg)
		if err != nil {
			return 0, fmt.Errorf("prune: %w", err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}
