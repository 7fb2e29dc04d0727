package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// KeyByLookup finds a key, revoked or not, by its lookup hash.
func (r reads) KeyByLookup(ctx context.Context, lookup string) (*store.Key, error) {
	if !storable(lookup) {
		return nil, fmt.Errorf("key by lookup: %w", store.ErrNotFound)
	}
	k, err := scan.Key(r.q.QueryRow(ctx, `SELECT `+sqlstore.KeyColumns+` FROM keys WHERE lookup = $1`, lookup))
	if err != nil {
		return nil, notFound("key by lookup", err)
	}
	return k, nil
}

// KeyByName finds one of a user's keys by name. When the name was reused
// after a revocation it is the unrevoked key, or else the newest.
func (r reads) KeyByName(ctx context.Context, userID int64, name string) (*store.Key, error) {
	what := fmt.Sprintf("key %q of user %d", name, userID)
	if !storable(name) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	k, err := scan.Key(r.q.QueryRow(ctx, `
		SELECT `+sqlstore.KeyColumns+` FROM keys
		WHERE user_id = $1 AND name = $2
		ORDER BY revoked_at IS NOT NULL, id DESC
		LIMIT 1`, userID, name))
	if err != nil {
		return nil, notFound(what, err)
	}
	return k, nil
}

// Keys lists a user's unrevoked keys, oldest first.
func (r reads) Keys(ctx context.Context, userID int64) ([]store.Key, error) {
	rows, err := r.q.Query(ctx, `
		SELECT `+sqlstore.KeyColumns+` FROM keys
		WHERE user_id = $1 AND revoked_at IS NULL
		ORDER BY created_at, id`, userID)
	keys, err := collect(rows, err, scan.Key)
	if err != nil {
		return nil, fmt.Errorf("keys of user %d: %w", userID, err)
	}
	return keys, nil
}

// CreateKey inserts k and sets its ID and times.
func (t *tx) CreateKey(ctx context.Context, k *store.Key) error {
	at := sqlstore.Now()
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO keys (user_id, name, lookup, verify, permissions, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		RETURNING id`,
		k.UserID, k.Name, k.Lookup, k.Verify, sqlstore.EncodePermissions(k.Permissions), at)
	if err != nil {
		return writeError(fmt.Sprintf("create key %q for user %d", k.Name, k.UserID), err)
	}
	k.ID, k.CreatedAt, k.UpdatedAt = id, at, at
	k.RevokedAt, k.LastUse = nil, nil
	return nil
}

// RevokeKey revokes the user's unrevoked key of that name.
func (t *tx) RevokeKey(ctx context.Context, userID int64, name string, at time.Time) (*store.Key, error) {
	k, err := scan.Key(t.q.QueryRow(ctx, `
		UPDATE keys SET revoked_at = $1, updated_at = $1
		WHERE user_id = $2 AND name = $3 AND revoked_at IS NULL
		RETURNING `+sqlstore.KeyColumns, sqlstore.Norm(at), userID, name))
	if err != nil {
		return nil, notFound(fmt.Sprintf("revoke key %q of user %d", name, userID), err)
	}
	return k, nil
}

// RevokeAllKeys revokes every unrevoked key of the user and returns them,
// oldest first.
func (t *tx) RevokeAllKeys(ctx context.Context, userID int64, at time.Time) ([]store.Key, error) {
	rows, err := t.q.Query(ctx, `
		UPDATE keys SET revoked_at = $1, updated_at = $1
		WHERE user_id = $2 AND revoked_at IS NULL
		RETURNING `+sqlstore.KeyColumns, sqlstore.Norm(at), userID)
	keys, err := collect(rows, err, scan.Key)
	if err != nil {
		return nil, fmt.Errorf("revoke keys of user %d: %w", userID, err)
	}
	sqlstore.SortKeys(keys)
	return keys, nil
}

// TouchKey records the key's last use.
func (t *tx) TouchKey(ctx context.Context, keyID int64, use store.KeyUse) error {
	tag, err := t.q.Exec(ctx, `
		UPDATE keys SET last_use_at = $1, last_use_ip = $2, last_use_user_agent = $3
		WHERE id = $4`, sqlstore.OrNow(use.At), use.IP, use.UserAgent, keyID)
	return needRow(fmt.Sprintf("touch key %d", keyID), tag, err)
}
