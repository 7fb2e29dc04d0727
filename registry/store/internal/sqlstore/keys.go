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
	if lastUse != nil {
		k.LastUse = &store.KeyUse{At: lastUse.UTC(), IP: deref(ip), UserAgent: deref(agent)}
	}
	return &k, nil
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

// deref is *s, or "" for NULL.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
