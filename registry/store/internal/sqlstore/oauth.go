package sqlstore

import (
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
)

// OAuthSessionColumns are the oauth_sessions columns Scanner.OAuthSession
// reads, in its order.
const OAuthSessionColumns = `id, user_id, client_id, name, scopes, key_id, created_at, expires_at,
	revoked_at, last_use_at, last_use_ip, last_use_user_agent`

// OAuthSession reads a row of OAuthSessionColumns. A NULL key_id (the
// session did not come from an API key) is 0; a session never used has a
// NULL last_use_at.
func (s Scanner) OAuthSession(row Row) (*store.OAuthSession, error) {
	var o store.OAuthSession
	var scopes []byte
	var keyID *int64
	var lastUse *time.Time
	var ip, agent *string
	if err := row.Scan(&o.ID, &o.UserID, &o.ClientID, &o.Name, &scopes, &keyID,
		s.Times.Time(&o.CreatedAt), s.Times.Time(&o.ExpiresAt), s.Times.NullTime(&o.RevokedAt),
		s.Times.NullTime(&lastUse), &ip, &agent); err != nil {
		return nil, err
	}
	var err error
	if o.Scopes, err = fromJSON[string]("oauth_sessions.scopes", scopes); err != nil {
		return nil, err
	}
	o.KeyID = derefID(keyID)
	utc(&o.CreatedAt, &o.ExpiresAt)
	o.RevokedAt = utcPtr(o.RevokedAt)
	o.LastUse = keyUse(lastUse, ip, agent)
	return &o, nil
}

// OAuthTokenColumns are the oauth_tokens columns Scanner.OAuthToken reads,
// in its order.
const OAuthTokenColumns = `id, session_id, kind, hash, parent_id, created_at, expires_at, rotated_at, revoked_at`

// OAuthToken reads a row of OAuthTokenColumns. A NULL parent_id (the
// first token of a session) is 0.
func (s Scanner) OAuthToken(row Row) (*store.OAuthToken, error) {
	var t store.OAuthToken
	var parentID *int64
	if err := row.Scan(&t.ID, &t.SessionID, &t.Kind, &t.Hash, &parentID,
		s.Times.Time(&t.CreatedAt), s.Times.Time(&t.ExpiresAt),
		s.Times.NullTime(&t.RotatedAt), s.Times.NullTime(&t.RevokedAt)); err != nil {
		return nil, err
	}
	t.ParentID = derefID(parentID)
	utc(&t.CreatedAt, &t.ExpiresAt)
	t.RotatedAt, t.RevokedAt = utcPtr(t.RotatedAt), utcPtr(t.RevokedAt)
	return &t, nil
}

// CheckTokenKind refuses a token kind the store does not know before it
// is written, naming it (the schemas' CHECK constraint would too, in
// fewer words).
func CheckTokenKind(kind store.TokenKind) error {
	if kind != store.AccessToken && kind != store.RefreshToken {
		return fmt.Errorf("unknown OAuth token kind %q", kind)
	}
	return nil
}
