package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hexship/ship/registry/store"
)

const userColumns = `id, username, email, full_name, password_hash, created_at, updated_at`

func scanUser(row scanner) (*store.User, error) {
	var u store.User
	var created, updated int64
	if err := row.Scan(&u.ID, &u.Username, &u.Email, &u.FullName, &u.PasswordHash, &created, &updated); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}

// user runs a query for at most one user.
func (r reads) user(ctx context.Context, what string, query string, arg any) (*store.User, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+query, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", what, err)
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
	at := now()
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
