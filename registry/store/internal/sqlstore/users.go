package sqlstore

import "github.com/hexship/ship/registry/store"

// UserColumns are the users columns Scanner.User reads, in its order.
const UserColumns = `id, username, email, full_name, password_hash, created_at, updated_at`

// User reads a row of UserColumns.
func (s Scanner) User(row Row) (*store.User, error) {
	var u store.User
	if err := row.Scan(s.userDest(&u)...); err != nil {
		return nil, err
	}
	utc(&u.CreatedAt, &u.UpdatedAt)
	return &u, nil
}

// userDest is where the columns of UserColumns go, for User and Owner.
func (s Scanner) userDest(u *store.User) []any {
	return []any{&u.ID, &u.Username, &u.Email, &u.FullName, &u.PasswordHash,
		s.Times.Time(&u.CreatedAt), s.Times.Time(&u.UpdatedAt)}
}
