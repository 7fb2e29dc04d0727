package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// user runs a query for at most one user.
func (r reads) user(ctx context.Context, what string, query string, arg any) (*store.User, error) {
	u, err := scan.User(r.q.QueryRowContext(ctx, `SELECT `+sqlstore.UserColumns+` FROM users WHERE `+query, arg))
	if err != nil {
		return nil, notFound("user "+what, err)
	}
	return u, nil
}

// UserByID finds an account by ID.
func (r reads) UserByID(ctx context.Context, id int64) (*store.User, error) {
	return r.user(ctx, fmt.Sprint(id), `id = ?`, id)
}

// UserByName finds an account by username, case-insensitively.
func (r reads) UserByName(ctx context.Context, name string) (*store.User, error) {
	return r.user(ctx, fmt.Sprintf("%q", name), `lower(username) = lower(?)`, name)
}

// UserByEmail finds an account by email, case-insensitively.
func (r reads) UserByEmail(ctx context.Context, email string) (*store.User, error) {
	return r.user(ctx, fmt.Sprintf("with email %q", email), `lower(email) = lower(?)`, email)
}

// CreateUser inserts u and sets its ID and times.
func (t *tx) CreateUser(ctx context.Context, u *store.User) error {
	at := sqlstore.Now()
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO users (username, email, full_name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		RETURNING id`,
		u.Username, u.Email, u.FullName, u.PasswordHash, micros(at), micros(at)).Scan(&u.ID)
	if err != nil {
		return writeError(fmt.Sprintf("create user %q", u.Username), err)
	}
	u.CreatedAt, u.UpdatedAt = at, at
	return nil
}

// SetPassword stores a new password hash; the account's UpdatedAt becomes
// at (the current time when zero).
func (t *tx) SetPassword(ctx context.Context, userID int64, hash string, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, micros(sqlstore.OrNow(at)), userID)
	return needRow(fmt.Sprintf("set the password of user %d", userID), res, err)
}
