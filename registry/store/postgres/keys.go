package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
)

// permissionJSON is one element of keys.permissions.
type permissionJSON struct {
	Domain   string `json:"domain"`
	Resource string `json:"resource"`
}

const keyColumns = `id, user_id, name, lookup, verify, permissions, created_at, updated_at,
	revoked_at, last_use_at, last_use_ip, last_use_user_agent`

func scanKey(row pgx.Row) (*store.Key, error) {
	var k store.Key
	var perms []byte
	var lastUse *time.Time
	var ip, agent *string
	if err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Lookup, &k.Verify, &perms, &k.CreatedAt, &k.UpdatedAt,
		&k.RevokedAt, &lastUse, &ip, &agent); err != nil {
		return nil, err
	}
	list, err := fromJSON[permissionJSON]("keys.permissions", perms)
	if err != nil {
		return nil, err
	}
	k.Permissions = mapList(list, func(p permissionJSON) store.Permission {
		return store.Permission{Domain: p.Domain, Resource: p.Resource}
	})
	k.CreatedAt, k.UpdatedAt, k.RevokedAt = k.CreatedAt.UTC(), k.UpdatedAt.UTC(), utcPtr(k.RevokedAt)
	if lastUse != nil {
		k.LastUse = &store.KeyUse{At: lastUse.UTC()}
		if ip != nil {
			k.LastUse.IP = *ip
		}
		if agent != nil {
			k.LastUse.UserAgent = *agent
		}
	}
	return &k, nil
}

// scanKeys reads every row of a key query.
func scanKeys(rows pgx.Rows, err error) ([]store.Key, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Key, error) {
		k, err := scanKey(row)
		if err != nil {
			return store.Key{}, err
		}
		return *k, nil
	})
}

// KeyByLookup finds a key, revoked or not, by its lookup hash.
func (r reads) KeyByLookup(ctx context.Context, lookup string) (*store.Key, error) {
	if !storable(lookup) {
		return nil, fmt.Errorf("key by lookup: %w", store.ErrNotFound)
	}
	k, err := scanKey(r.q.QueryRow(ctx, `SELECT `+keyColumns+` FROM keys WHERE lookup = $1`, lookup))
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
	k, err := scanKey(r.q.QueryRow(ctx, `
		SELECT `+keyColumns+` FROM keys
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
	keys, err := scanKeys(r.q.Query(ctx, `
		SELECT `+keyColumns+` FROM keys
		WHERE user_id = $1 AND revoked_at IS NULL
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
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO keys (user_id, name, lookup, verify, permissions, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		RETURNING id`,
		k.UserID, k.Name, k.Lookup, k.Verify, perms, at)
	if err != nil {
		return writeError(fmt.Sprintf("create key %q for user %d", k.Name, k.UserID), err)
	}
	k.ID, k.CreatedAt, k.UpdatedAt = id, at, at
	k.RevokedAt, k.LastUse = nil, nil
	return nil
}

// RevokeKey revokes the user's unrevoked key of that name.
func (t *tx) RevokeKey(ctx context.Context, userID int64, name string, at time.Time) (*store.Key, error) {
	k, err := scanKey(t.q.QueryRow(ctx, `
		UPDATE keys SET revoked_at = $1, updated_at = $1
		WHERE user_id = $2 AND name = $3 AND revoked_at IS NULL
		RETURNING `+keyColumns, norm(at), userID, name))
	if err != nil {
		return nil, notFound(fmt.Sprintf("revoke key %q of user %d", name, userID), err)
	}
	return k, nil
}

// RevokeAllKeys revokes every unrevoked key of the user and returns them,
// oldest first.
func (t *tx) RevokeAllKeys(ctx context.Context, userID int64, at time.Time) ([]store.Key, error) {
	keys, err := scanKeys(t.q.Query(ctx, `
		UPDATE keys SET revoked_at = $1, updated_at = $1
		WHERE user_id = $2 AND revoked_at IS NULL
		RETURNING `+keyColumns, norm(at), userID))
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
	tag, err := t.q.Exec(ctx, `
		UPDATE keys SET last_use_at = $1, last_use_ip = $2, last_use_user_agent = $3
		WHERE id = $4`, orNow(use.At), use.IP, use.UserAgent, keyID)
	return needRow(fmt.Sprintf("touch key %d", keyID), tag, err)
}
