package sqlstore

import "github.com/hexship/ship/registry/store"

// SecurityEventColumns are the security_events columns
// Scanner.SecurityEvent reads, in its order.
const SecurityEventColumns = `id, user_id, kind, detail, ip, user_agent, at`

// SecurityEvent reads a row of SecurityEventColumns.
func (s Scanner) SecurityEvent(row Row) (*store.SecurityEvent, error) {
	var e store.SecurityEvent
	if err := row.Scan(&e.ID, &e.UserID, &e.Kind, &e.Detail, &e.IP, &e.UserAgent, s.Times.Time(&e.At)); err != nil {
		return nil, err
	}
	utc(&e.At)
	return &e, nil
}
