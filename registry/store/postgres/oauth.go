package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// OAuthSession finds a session, revoked or not.
func (r reads) OAuthSession(ctx context.Context, id int64) (*store.OAuthSession, error) {
	s, err := scan.OAuthSession(r.q.QueryRow(ctx, `SELECT `+sqlstore.OAuthSessionColumns+` FROM oauth_sessions WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(fmt.Sprintf("OAuth session %d", id), err)
	}
	return s, nil
}

// OAuthSessions lists the user's sessions neither revoked nor expired at
// `at`, newest first.
func (r reads) OAuthSessions(ctx context.Context, userID int64, at time.Time) ([]store.OAuthSession, error) {
	rows, err := r.q.Query(ctx, `
		SELECT `+sqlstore.OAuthSessionColumns+` FROM oauth_sessions
		WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
		ORDER BY created_at DESC, id DESC`, userID, sqlstore.Norm(at))
	list, err := collect(rows, err, scan.OAuthSession)
	if err != nil {
		return nil, fmt.Errorf("OAuth sessions of user %d: %w", userID, err)
	}
	return list, nil
}

// OAuthTokenByHash finds a token by its hash.
func (r reads) OAuthTokenByHash(ctx context.Context, hash string) (*store.OAuthToken, error) {
	const what = "OAuth token by hash"
	if !storable(hash) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	tok, err := scan.OAuthToken(r.q.QueryRow(ctx, `SELECT `+sqlstore.OAuthTokenColumns+` FROM oauth_tokens WHERE hash = $1`, hash))
	if err != nil {
		return nil, notFound(what, err)
	}
	return tok, nil
}

// CreateOAuthSession inserts s as given and sets s.ID. A zero CreatedAt is
// the current time; the times in s become the stored ones.
func (t *tx) CreateOAuthSession(ctx context.Context, s *store.OAuthSession) error {
	created, expires, revoked := sqlstore.OrNow(s.CreatedAt), sqlstore.Norm(s.ExpiresAt), sqlstore.NormPtr(s.RevokedAt)
	lastUse := sqlstore.NormUse(s.LastUse)
	useAt, useIP, useAgent := useColumns(lastUse)
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO oauth_sessions (user_id, client_id, name, scopes, key_id, created_at, expires_at,
			revoked_at, last_use_at, last_use_ip, last_use_user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id`,
		s.UserID, s.ClientID, s.Name, sqlstore.EncodeStrings(s.Scopes), sqlstore.NullID(s.KeyID), created, expires,
		revoked, useAt, useIP, useAgent)
	if err != nil {
		return writeError(fmt.Sprintf("create an OAuth session for user %d", s.UserID), err)
	}
	s.ID, s.CreatedAt, s.ExpiresAt, s.RevokedAt, s.LastUse = id, created, expires, revoked, lastUse
	return nil
}

// TouchOAuthSession records the session's last use.
func (t *tx) TouchOAuthSession(ctx context.Context, id int64, use store.KeyUse) error {
	tag, err := t.q.Exec(ctx, `
		UPDATE oauth_sessions SET last_use_at = $1, last_use_ip = $2, last_use_user_agent = $3
		WHERE id = $4`, sqlstore.OrNow(use.At), use.IP, use.UserAgent, id)
	return needRow(fmt.Sprintf("touch OAuth session %d", id), tag, err)
}

// RevokeOAuthSession revokes a session, keeping an earlier revocation
// time, and its tokens with it (at the session's revocation time, each
// keeping an earlier time of its own), so that a token read alone says it
// is dead.
func (t *tx) RevokeOAuthSession(ctx context.Context, id int64, at time.Time) error {
	what := fmt.Sprintf("revoke OAuth session %d", id)
	var revoked time.Time
	err := t.q.QueryRow(ctx, `
		UPDATE oauth_sessions SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2
		RETURNING revoked_at`, sqlstore.OrNow(at), id).Scan(&revoked)
	if err != nil {
		return notFound(what, err)
	}
	if _, err := t.q.Exec(ctx, `UPDATE oauth_tokens SET revoked_at = $1 WHERE session_id = $2 AND revoked_at IS NULL`, revoked, id); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// RevokeOAuthSessions revokes every unrevoked session of the user, and
// their tokens, and returns how many sessions.
func (t *tx) RevokeOAuthSessions(ctx context.Context, userID int64, at time.Time) (int, error) {
	what := fmt.Sprintf("revoke the OAuth sessions of user %d", userID)
	when := sqlstore.OrNow(at)
	if _, err := t.q.Exec(ctx, `
		UPDATE oauth_tokens SET revoked_at = $1
		WHERE revoked_at IS NULL
			AND session_id IN (SELECT id FROM oauth_sessions WHERE user_id = $2 AND revoked_at IS NULL)`, when, userID); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	tag, err := t.q.Exec(ctx, `UPDATE oauth_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, when, userID)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return int(tag.RowsAffected()), nil
}

// CreateOAuthToken inserts tok as given and sets tok.ID. A zero CreatedAt
// is the current time; the times in tok become the stored ones.
func (t *tx) CreateOAuthToken(ctx context.Context, tok *store.OAuthToken) error {
	what := fmt.Sprintf("create an OAuth token of session %d", tok.SessionID)
	if err := sqlstore.CheckTokenKind(tok.Kind); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	created, expires := sqlstore.OrNow(tok.CreatedAt), sqlstore.Norm(tok.ExpiresAt)
	rotated, revoked := sqlstore.NormPtr(tok.RotatedAt), sqlstore.NormPtr(tok.RevokedAt)
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO oauth_tokens (session_id, kind, hash, parent_id, created_at, expires_at, rotated_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`,
		tok.SessionID, string(tok.Kind), tok.Hash, sqlstore.NullID(tok.ParentID), created, expires, rotated, revoked)
	if err != nil {
		return writeError(what, err)
	}
	tok.ID, tok.CreatedAt, tok.ExpiresAt, tok.RotatedAt, tok.RevokedAt = id, created, expires, rotated, revoked
	return nil
}

// RotateOAuthToken marks a refresh token exchanged in one conditional
// UPDATE. Of two transactions exchanging one token at once, the second to
// update the row waits for the first and then fails to serialise; run
// again, it finds the token rotated. When no row changed it tells a
// missing token from one already rotated.
func (t *tx) RotateOAuthToken(ctx context.Context, id int64, at time.Time) (bool, error) {
	what := fmt.Sprintf("rotate OAuth token %d", id)
	tag, err := t.q.Exec(ctx, `UPDATE oauth_tokens SET rotated_at = $1 WHERE id = $2 AND rotated_at IS NULL`,
		sqlstore.OrNow(at), id)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	if tag.RowsAffected() > 0 {
		return true, nil
	}
	var one int
	if err := t.q.QueryRow(ctx, `SELECT 1 FROM oauth_tokens WHERE id = $1`, id).Scan(&one); err != nil {
		return false, notFound(what, err)
	}
	return false, nil // rotated already
}

// RevokeOAuthToken revokes one token, keeping an earlier revocation time.
func (t *tx) RevokeOAuthToken(ctx context.Context, id int64, at time.Time) error {
	tag, err := t.q.Exec(ctx, `UPDATE oauth_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`,
		sqlstore.OrNow(at), id)
	return needRow(fmt.Sprintf("revoke OAuth token %d", id), tag, err)
}
