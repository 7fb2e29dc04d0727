package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// WebSessionByLookup finds a website session by the hash of its cookie.
func (r reads) WebSessionByLookup(ctx context.Context, lookup string) (*store.WebSession, error) {
	const what = "website session by lookup"
	if !storable(lookup) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	s, err := scan.WebSession(r.q.QueryRow(ctx, `SELECT `+sqlstore.WebSessionColumns+` FROM web_sessions WHERE lookup = $1`, lookup))
	if err != nil {
		return nil, notFound(what, err)
	}
	return s, nil
}

// CreateWebSession inserts s as given and sets s.ID. A zero CreatedAt is
// the current time; the times in s become the stored ones.
func (t *tx) CreateWebSession(ctx context.Context, s *store.WebSession) error {
	created, expires, sudo := sqlstore.OrNow(s.CreatedAt), sqlstore.Norm(s.ExpiresAt), sqlstore.NormPtr(s.SudoAt)
	lastUse := sqlstore.NormUse(s.LastUse)
	useAt, useIP, useAgent := useColumns(lastUse)
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO web_sessions (lookup, user_id, pending_2fa, sudo_at, created_at, expires_at,
			last_use_at, last_use_ip, last_use_user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING id`,
		s.Lookup, s.UserID, s.Pending2FA, sudo, created, expires, useAt, useIP, useAgent)
	if err != nil {
		return writeError(fmt.Sprintf("create a website session for user %d", s.UserID), err)
	}
	s.ID, s.CreatedAt, s.ExpiresAt, s.SudoAt, s.LastUse = id, created, expires, sudo, lastUse
	return nil
}

// UpdateWebSession stores s's Pending2FA, SudoAt, ExpiresAt and LastUse
// (nil clears it); the times in s become the stored ones.
func (t *tx) UpdateWebSession(ctx context.Context, s *store.WebSession) error {
	expires, sudo, lastUse := sqlstore.Norm(s.ExpiresAt), sqlstore.NormPtr(s.SudoAt), sqlstore.NormUse(s.LastUse)
	useAt, useIP, useAgent := useColumns(lastUse)
	tag, err := t.q.Exec(ctx, `
		UPDATE web_sessions SET pending_2fa = $1, sudo_at = $2, expires_at = $3,
			last_use_at = $4, last_use_ip = $5, last_use_user_agent = $6
		WHERE id = $7`,
		s.Pending2FA, sudo, expires, useAt, useIP, useAgent, s.ID)
	if err := needRow(fmt.Sprintf("update website session %d", s.ID), tag, err); err != nil {
		return err
	}
	s.ExpiresAt, s.SudoAt, s.LastUse = expires, sudo, lastUse
	return nil
}

// DeleteWebSession removes one session, if present.
func (t *tx) DeleteWebSession(ctx context.Context, id int64) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM web_sessions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete website session %d: %w", id, err)
	}
	return nil
}

// DeleteWebSessions removes every session of the user but keep.
func (t *tx) DeleteWebSessions(ctx context.Context, userID int64, keep int64) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM web_sessions WHERE user_id = $1 AND id <> $2`, userID, keep); err != nil {
		return fmt.Errorf("delete the website sessions of user %d: %w", userID, err)
	}
	return nil
}
