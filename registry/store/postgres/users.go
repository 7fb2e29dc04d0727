package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// foldCase lowers ASCII letters only, as lower() does on the COLLATE "C"
// username and email columns: the value a case-insensitive lookup compares
// with the lower(...) index.
func foldCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// user runs a query for at most one user.
func (r reads) user(ctx context.Context, what, where string, arg any) (*store.User, error) {
	if s, ok := arg.(string); ok && !storable(s) {
		return nil, fmt.Errorf("user %s: %w", what, store.ErrNotFound)
	}
	u, err := scan.User(r.q.QueryRow(ctx, `SELECT `+sqlstore.UserColumns+` FROM users WHERE `+where, arg))
	if err != nil {
		return nil, notFound("user "+what, err)
	}
	return u, nil
}

// UserByID finds an account by ID.
func (r reads) UserByID(ctx context.Context, id int64) (*store.User, error) {
	return r.user(ctx, fmt.Sprint(id), `id = $1`, id)
}

// UserByName finds an account by username, case-insensitively.
func (r reads) UserByName(ctx context.Context, name string) (*store.User, error) {
	return r.user(ctx, fmt.Sprintf("%q", name), `lower(username) = $1`, foldCase(name))
}

// UserByEmail finds an account by email, case-insensitively.
func (r reads) UserByEmail(ctx context.Context, email string) (*store.User, error) {
	return r.user(ctx, fmt.Sprintf("with email %q", email), `lower(email) = $1`, foldCase(email))
}

// CreateUser inserts u and sets its ID and times.
func (t *tx) CreateUser(ctx context.Context, u *store.User) error {
	at := sqlstore.Now()
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO users (username, email, full_name, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		RETURNING id`,
		u.Username, u.Email, u.FullName, u.PasswordHash, at)
	if err != nil {
		return writeError(fmt.Sprintf("create user %q", u.Username), err)
	}
	u.ID, u.CreatedAt, u.UpdatedAt = id, at, at
	return nil
}

// SetPassword stores a new password hash; the account's UpdatedAt becomes
// at (the current time when zero).
func (t *tx) SetPassword(ctx context.Context, userID int64, hash string, at time.Time) error {
	tag, err := t.guardedExec(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`,
		hash, sqlstore.OrNow(at), userID)
	return needRow(fmt.Sprintf("set the password of user %d", userID), tag, err)
}
