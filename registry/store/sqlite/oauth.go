package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// OAuthSession finds a session, revoked or not.
func (r reads) OAuthSession(ctx context.Context, id int64) (*store.OAuthSession, error) {
	s, err := scan.OAuthSession(r.q.QueryRowContext(ctx, `SELECT `+sqlstore.OAuthSessionColumns+` FROM oauth_sessions WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(fmt.Sprintf("OAuth session %d", id), err)
	}
	return s, nil
}

// OAuthSessions lists the user's sessions neither revoked nor expired at
// `at`, newest first.
func (r reads) OAuthSessions(ctx context.Context, userID int64, at time.Time) ([]store.OAuthSession, error) {
	rows, err := r.q.QueryContext(ctx, `
		SELECT `+sqlstore.OAuthSessionColumns+` FROM oauth_sessions
		WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
		ORDER BY created_at DESC, id DESC`, userID, micros(sqlstore.Norm(at)))
	list, err := collect(rows, err, scan.OAuthSession)
	if err != nil {
		return nil, fmt.Errorf("OAuth sessions of user %d: %w", userID, err)
	}
	return list, nil
}

// OAuthTokenByHash finds a token by its hash.
func (r reads) OAuthTokenByHash(ctx context.Context, hash string) (*store.OAuthToken, error) {
	tok, err := scan.OAuthToken(r.q.QueryRowContext(ctx, `SELECT `+sqlstore.OAuthTokenColumns+` FROM oauth_tokens WHERE hash = ?`, hash))
	if err != nil {
		return nil, notFound("OAuth token by hash", err)
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
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO oauth_sessions (user_id, client_id, name, scopes, key_id, created_at, expires_at,
			revoked_at, last_use_at, last_use_ip, last_use_user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		s.UserID, s.ClientID, s.Name, sqlstore.EncodeStrings(s.Scopes), sqlstore.NullID(s.KeyID), micros(created), micros(expires),
		nullMicros(revoked), useAt, useIP, useAgent).Scan(&id)
	if err != nil {
		return writeError(fmt.Sprintf("create an OAuth session for user %d", s.UserID), err)
	}
	s.ID, s.CreatedAt, s.ExpiresAt, s.RevokedAt, s.LastUse = id, created, expires, revoked, lastUse
	return nil
}

// TouchOAuthSession records the session's last use.
func (t *tx) TouchOAuthSession(ctx context.Context, id int64, use store.KeyUse) error {
	res, err := t.tx.ExecContext(ctx, `
		UPDATE oauth_sessions SET last_use_at = ?, last_use_ip = ?, last_use_user_agent = ?
		WHERE id = ?`, micros(sqlstore.OrNow(use.At)), use.IP, use.UserAgent, id)
	return needRow(fmt.Sprintf("touch OAuth session %d", id), res, err)
}

// RevokeOAuthSession revokes a session, keeping an earlier revocation
// time, and its tokens with it (at the session's revocation time, each
// keeping an earlier time of its own), so that a token read alone says it
// is dead.
func (t *tx) RevokeOAuthSession(ctx context.Context, id int64, at time.Time) error {
	what := fmt.Sprintf("revoke OAuth session %d", id)
	var revoked int64
	err := t.tx.QueryRowContext(ctx, `
		UPDATE oauth_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?
		RETURNING revoked_at`, micros(sqlstore.OrNow(at)), id).Scan(&revoked)
	if err != nil {
		return notFound(what, err)
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL`, revoked, id); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// RevokeOAuthSessions revokes every unrevoked session of the user, and
// their tokens, and returns how many sessions.
func (t *tx) RevokeOAuthSessions(ctx context.Context, userID int64, at time.Time) (int, error) {
	what := fmt.Sprintf("revoke the OAuth sessions of user %d", userID)
	when := micros(sqlstore.OrNow(at))
	if _, err := t.tx.ExecContext(ctx, `
		UPDATE oauth_tokens SET revoked_at = ?
		WHERE revoked_at IS NULL
			AND session_id IN (SELECT id FROM oauth_sessions WHERE user_id = ? AND revoked_at IS NULL)`, when, userID); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE oauth_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, when, userID)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return int(n), nil
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
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO oauth_tokens (session_id, kind, hash, parent_id, created_at, expires_at, rotated_at, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		tok.SessionID, string(tok.Kind), tok.Hash, sqlstore.NullID(tok.ParentID), micros(created), micros(expires),
		nullMicros(rotated), nullMicros(revoked)).Scan(&id)
	if err != nil {
		return writeError(what, err)
	}
	tok.ID, tok.CreatedAt, tok.ExpiresAt, tok.RotatedAt, tok.RevokedAt = id, created, expires, rotated, revoked
	return nil
}

// RotateOAuthToken marks a refresh token exchanged in one conditional
// UPDATE, so that exactly one caller sees it unexchanged. When no row
// changed it tells a missing token from one already rotated.
func (t *tx) RotateOAuthToken(ctx context.Context, id int64, at time.Time) (bool, error) {
	what := fmt.Sprintf("rotate OAuth token %d", id)
	res, err := t.tx.ExecContext(ctx, `UPDATE oauth_tokens SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL`,
		micros(sqlstore.OrNow(at)), id)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	} else if n > 0 {
		return true, nil
	}
	var one int
	if err := t.tx.QueryRowContext(ctx, `SELECT 1 FROM oauth_tokens WHERE id = ?`, id).Scan(&one); err != nil {
		return false, notFound(what, err)
	}
	return false, nil // rotated already
}

// RevokeOAuthToken revokes one token, keeping an earlier revocation time.
func (t *tx) RevokeOAuthToken(ctx context.Context, id int64, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`,
		micros(sqlstore.OrNow(at)), id)
	return needRow(fmt.Sprintf("revoke OAuth token %d", id), res, err)
}
