package sqlstore

import (
	"time"

	"github.com/hexship/ship/registry/store"
)

// WebSessionColumns are the web_sessions columns Scanner.WebSession reads,
// in its order.
const WebSessionColumns = `id, lookup, user_id, pending_2fa, sudo_at, created_at, expires_at,
	last_use_at, last_use_ip, last_use_user_agent`

// WebSession reads a row of WebSessionColumns.
func (s Scanner) WebSession(row Row) (*store.WebSession, error) {
	var w store.WebSession
	var lastUse *time.Time
	var ip, agent *string
	if err := row.Scan(&w.ID, &w.Lookup, &w.UserID, &w.Pending2FA, s.Times.NullTime(&w.SudoAt),
		s.Times.Time(&w.CreatedAt), s.Times.Time(&w.ExpiresAt),
		s.Times.NullTime(&lastUse), &ip, &agent); err != nil {
		return nil, err
	}
	utc(&w.CreatedAt, &w.ExpiresAt)
	w.SudoAt = utcPtr(w.SudoAt)
	w.LastUse = keyUse(lastUse, ip, agent)
	return &w, nil
}
