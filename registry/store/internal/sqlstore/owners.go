package sqlstore

import (
	"fmt"

	"github.com/hexship/ship/registry/store"
)

// OwnerColumns are the columns Scanner.Owner reads from owners joined
// with users: the user's UserColumns, then the level.
const OwnerColumns = `users.id, users.username, users.email, users.full_name, users.password_hash,
	users.created_at, users.updated_at, owners.level`

// Owner reads a row of OwnerColumns.
func (s Scanner) Owner(row Row) (*store.Owner, error) {
	var o store.Owner
	if err := row.Scan(append(s.userDest(&o.User), &o.Level)...); err != nil {
		return nil, err
	}
	utc(&o.User.CreatedAt, &o.User.UpdatedAt)
	return &o, nil
}

// CheckLevel refuses an ownership level the store does not know before it
// is written, naming it: the schemas' CHECK constraint would refuse it
// too, in words that say less.
func CheckLevel(level store.OwnerLevel) error {
	if level != store.LevelFull && level != store.LevelMaintainer {
		return fmt.Errorf("unknown owner level %q", level)
	}
	return nil
}
