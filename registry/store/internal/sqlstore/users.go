package sqlstore

import "github.com/hexship/ship/registry/store"

// UserColumns are the users columns Scanner.User reads, in its order.
const UserColumns = `id, username, email, full_name, password_hash, created_at, updated_at`

// OwnerColumns are the columns Scanner.Owner reads from owners joined
// with users.
const OwnerColumns = `users.id, users.username, users.email, users.full_name, users.password_hash,
	users.created_at, users.updated_at, owners.level`

// User reads a row of UserColumns.
func (s Scanner) User(row Row) (*store.User, error) {
	var u store.User
	if err := row.Scan(s.userDest(&u)...); err != nil {
		return nil, err
	}
	utc(&u.CreatedAt, &u.UpdatedAt)
	return &u, nil
}

// Owner reads a row of OwnerColumns.
func (s Scanner) Owner(row Row) (*store.Owner, error) {
	var o store.Owner
	if err := row.Scan(append(s.userDest(&o.User), &o.Level)...); err != nil {
		return nil, err
	}
	utc(&o.User.CreatedAt, &o.User.UpdatedAt)
	return &o, nil
}

// userDest is where the columns of UserColumns go.
func (s Scanner) userDest(u *store.User) []any {
	return []any{&u.ID, &u.Username, &u.Email, &u.FullName, &u.PasswordHash,
		s.Times.Time(&u.CreatedAt), s.Times.Time(&u.UpdatedAt)}
}
