package sqlstore

import "github.com/hexship/ship/registry/store"

// TOTPColumns are the totp columns Scanner.TOTP reads, in its order.
const TOTPColumns = `user_id, secret, enabled_at, last_step, last_by`

// TOTP reads a row of TOTPColumns.
func (s Scanner) TOTP(row Row) (*store.TOTP, error) {
	var t store.TOTP
	if err := row.Scan(&t.UserID, &t.Secret, s.Times.Time(&t.EnabledAt), &t.LastStep, &t.LastBy); err != nil {
		return nil, err
	}
	t.Secret = Blob(t.Secret)
	utc(&t.EnabledAt)
	return &t, nil
}
