package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hexship/ship/registry/store"
)

// permissionJSON is one element of keys.permissions.
type permissionJSON struct {
	Domain   string `json:"domain"`
	Resource string `json:"resource"`
}

const keyColumns = `id, user_id, name, lookup, verify, permissions, created_at, updated_at,
	revoked_at, last_use_at, last_use_ip, last_use_user_agent`

func scanKey(row scanner) (*store.Key, error) {
	var k store.Key
	var perms string
	var created, updated int64
	var revoked, lastUse sql.NullInt64
	var ip, agent sql.NullString
	if err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Lookup, &k.Verify, &perms, &created, &updated,
		&revoked, &lastUse, &ip, &agent); err != nil {
		return nil, err
	}
	list, err := fromJSON[permissionJSON]("keys.permissions", perms)
	if err != nil {
		return nil, err
	}
	k.Permissions = mapList(list, func(p permissionJSON) store.Permission {
		return store.Permission{Domain: p.Domain, Resource: p.Resource}
	})
	k.CreatedAt, k.UpdatedAt = fromMicros(created), fromMicros(updated)
	k.RevokedAt = fromNullMicros(revoked)
	if lastUse.Valid {
		k.LastUse = &store.KeyUse{At: fromMicros(lastUse.Int64), IP: ip.String, UserAgent: agent.String}
	}
	return &k, nil
}

// scanKeys reads every row of a key query.
func scanKeys(rows *sql.Rows, err error) ([]store.Key, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []store.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		keys = append(keys, *k)
	}
	return keys, rows.Err()
}

// KeyByLookup finds a key, revoked or not, by its lookup hash.
func (r reads) KeyByLookup(ctx context.Context, lookup string) (*store.Key, error) {
	k, err := scanKey(r.q.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM keys WHERE lookup = ?`, lookup))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("key by lookup: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("key by lookup: %w", err)
	}
	return k, nil
}

// KeyByName finds one of a user's keys by name. When the name was reused
// after a revocation it is the unrevoked key, or else the newest.
func (r reads) KeyByName(ctx context.Context, userID int64, name string) (*store.Key, error) {
	k, err := scanKey(r.q.QueryRowContext(ctx, `
		SELECT `+keyColumns+` FROM keys
		WHERE user_id = ? AND name = ?
		ORDER BY revoked_at IS NOT NULL, id DESC
		LIMIT 1`, userID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("key %q of user %d: %w", name, userID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("key %q of user %d: %w", name, userID, err)
	}
	return k, nil
}

// Keys lists a user's unrevoked keys, oldest first.
func (r reads) Keys(ctx context.Context, userID int64) ([]store.Key, error) {
	keys, err := scanKeys(r.q.QueryContext(ctx, `
		SELECT `+keyColumns+` FROM keys
		WHERE user_id = ? AND revoked_at IS NULL
		ORDER BY created_at, id`, userID))
	if err != nil {
		return nil, fmt.Errorf("keys of user %d: %w", userID, err)
	}
	return keys, nil
}

// CreateKey inserts k and sets its ID and times.
func (t *tx) CreateKey(ctx context.Context, k *store.Key) error {
	at := now()
	perms := toJSON(mapList(k.Permissions, func(p store.Permission) permissionJSON {
		return permissionJSON{Domain: p.Domain, Resource: p.Resource}
	}))
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO keys (user_id, name, lookup, verify, permissions, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		k.UserID, k.Name, k.Lookup, k.Verify, perms, micros(at), micros(at)).Scan(&k.ID)
	if err != nil {
		return writeError(fmt.Sprintf("create key %q for user %d", k.Name, k.UserID), err)
	}
	k.CreatedAt, k.UpdatedAt = at, at
	k.RevokedAt, k.LastUse = nil, nil
	return nil
}

// RevokeKey revokes the user's unrevoked key of that name.
func (t *tx) RevokeKey(ctx context.Context, userID int64, name string, at time.Time) (*store.Key, error) {
	at = norm(at)
	k, err := scanKey(t.tx.QueryRowContext(ctx, `
		UPDATE keys SET revoked_at = ?, updated_at = ?
		WHERE user_id = ? AND name = ? AND revoked_at IS NULL
		RETURNING `+keyColumns, micros(at), micros(at), userID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("revoke key %q of user %d: %w", name, userID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("revoke key %q of user %d: %w", name, userID, err)
	}
	return k, nil
}

// RevokeAllKeys revokes every unrevoked key of the user and returns them,
// oldest first.
func (t *tx) RevokeAllKeys(ctx context.Context, userID int64, at time.Time) ([]store.Key, error) {
	at = norm(at)
	keys, err := scanKeys(t.tx.QueryContext(ctx, `
		UPDATE keys SET revoked_at = ?, updated_at = ?
		WHERE user_id = ? AND revoked_at IS NULL
		RETURNING `+keyColumns, micros(at), micros(at), userID))
	if err != nil {
		return nil, fmt.Errorf("revoke keys of user %d: %w", userID, err)
	}
	// RETURNING has no order of its own.
	slices.SortFunc(keys, func(a, b store.Key) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return keys, nil
}

// TouchKey records the key's last use.
func (t *tx) TouchKey(ctx context.Context, keyID int64, use store.KeyUse) error {
	res, err := t.tx.ExecContext(ctx, `
		UPDATE keys SET last_use_at = ?, last_use_ip = ?, last_use_user_agent = ?
		WHERE id = ?`, micros(orNow(use.At)), use.IP, use.UserAgent, keyID)
	return needRow(fmt.Sprintf("touch key %d", keyID), res, err)
}
