package sqlstore

import (
	"cmp"
	"slices"
	"time"

	"github.com/hexship/ship/registry/store"
)

// KeyColumns are the keys columns Scanner.Key reads, in its order.
const KeyColumns = `id, user_id, name, lookup, verify, permissions, created_at, updated_at,
	revoked_at, last_use_at, last_use_ip, last_use_user_agent`

// Key reads a row of KeyColumns. A key never used has a NULL last_use_at;
// its IP and user agent may be NULL too.
func (s Scanner) Key(row Row) (*store.Key, error) {
	var k store.Key
	var perms []byte
	var lastUse *time.Time
	var ip, agent *string
	if err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Lookup, &k.Verify, &perms,
		s.Times.Time(&k.CreatedAt), s.Times.Time(&k.UpdatedAt), s.Times.NullTime(&k.RevokedAt),
		s.Times.NullTime(&lastUse), &ip, &agent); err != nil {
		return nil, err
	}
	var err error
	if k.Permissions, err = decodePermissions("keys.permissions", perms); err != nil {
		return nil, err
	}
	utc(&k.CreatedAt, &k.UpdatedAt)
	k.RevokedAt = utcPtr(k.RevokedAt)
	k.LastUse = keyUse(lastUse, ip, agent)
	return &k, nil
}

// keyUse reads the last_use_at, last_use_ip and last_use_user_agent
// columns of keys, OAuth sessions and web sessions: nil when last_use_at
// is NULL (never used); a NULL IP or user agent is "".
func keyUse(at *time.Time, ip, agent *string) *store.KeyUse {
	if at == nil {
		return nil
	}
	return &store.KeyUse{At: at.UTC(), IP: deref(ip), UserAgent: deref(agent)}
}

// SortKeys puts keys oldest first, as Reader.Keys lists them: an UPDATE's
// RETURNING has no order of its own.
func SortKeys(keys []store.Key) {
	slices.SortFunc(keys, func(a, b store.Key) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// derefID is *id, or 0 (no row) for NULL: the reverse of NullID.
func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// deref is *s, or "" for NULL.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
