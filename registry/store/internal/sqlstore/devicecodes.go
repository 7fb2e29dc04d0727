package sqlstore

import (
	"fmt"

	"github.com/hexship/ship/registry/store"
)

// DeviceCodeColumns are the device_codes columns Scanner.DeviceCode reads,
// in its order.
const DeviceCodeColumns = `id, lookup, user_code, client_id, scopes, name, ip, user_agent, status,
	user_id, session_id, expires_at, created_at`

// DeviceCode reads a row of DeviceCodeColumns. A NULL user_id or
// session_id (nobody has answered yet, or the session was pruned) is 0.
func (s Scanner) DeviceCode(row Row) (*store.DeviceCode, error) {
	var d store.DeviceCode
	var scopes []byte
	var userID, sessionID *int64
	if err := row.Scan(&d.ID, &d.Lookup, &d.UserCode, &d.ClientID, &scopes, &d.Name, &d.IP, &d.UserAgent, &d.Status,
		&userID, &sessionID, s.Times.Time(&d.ExpiresAt), s.Times.Time(&d.CreatedAt)); err != nil {
		return nil, err
	}
	var err error
	if d.Scopes, err = fromJSON[string]("device_codes.scopes", scopes); err != nil {
		return nil, err
	}
	d.UserID, d.SessionID = derefID(userID), derefID(sessionID)
	utc(&d.ExpiresAt, &d.CreatedAt)
	return &d, nil
}

// CheckDeviceStatus refuses a device status the store does not know
// before it is written, naming it: the schemas' CHECK constraint would
// refuse it too, in words that say less.
func CheckDeviceStatus(status store.DeviceStatus) error {
	switch status {
	case store.DevicePending, store.DeviceAuthorized, store.DeviceDenied, store.DeviceUsed:
		return nil
	}
	return fmt.Errorf("unknown device authorization status %q", status)
}
