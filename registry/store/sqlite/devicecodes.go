package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// DeviceCodeByLookup finds a device authorization by its lookup hash.
func (r reads) DeviceCodeByLookup(ctx context.Context, lookup string) (*store.DeviceCode, error) {
	d, err := scan.DeviceCode(r.q.QueryRowContext(ctx, `SELECT `+sqlstore.DeviceCodeColumns+` FROM device_codes WHERE lookup = ?`, lookup))
	if err != nil {
		return nil, notFound("device authorization by lookup", err)
	}
	return d, nil
}

// DeviceCodeByUserCode finds the newest device authorization with that
// user code.
func (r reads) DeviceCodeByUserCode(ctx context.Context, userCode string) (*store.DeviceCode, error) {
	d, err := scan.DeviceCode(r.q.QueryRowContext(ctx, `
		SELECT `+sqlstore.DeviceCodeColumns+` FROM device_codes
		WHERE user_code = ?
		ORDER BY created_at DESC, id DESC
		LIMIT 1`, userCode))
	if err != nil {
		return nil, notFound("device authorization by user code", err)
	}
	return d, nil
}

// CreateDeviceCode inserts d unless another authorization still alive at
// d.CreatedAt (the current time when zero) has its user code. The check
// and the insert are in the one write transaction, so no other writer can
// come between them. It sets d.ID and d.CreatedAt.
func (t *tx) CreateDeviceCode(ctx context.Context, d *store.DeviceCode) error {
	what := fmt.Sprintf("create a device authorization for client %q", d.ClientID)
	if err := sqlstore.CheckDeviceStatus(d.Status); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	created, expires := sqlstore.OrNow(d.CreatedAt), sqlstore.Norm(d.ExpiresAt)
	var other int64
	err := t.tx.QueryRowContext(ctx, `SELECT id FROM device_codes WHERE user_code = ? AND expires_at > ? LIMIT 1`,
		d.UserCode, micros(created)).Scan(&other)
	switch {
	case err == nil:
		return fmt.Errorf("%s: %w: its user code belongs to device authorization %d, which has not expired", what, store.ErrConflict, other)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, err)
	}
	var id int64
	err = t.tx.QueryRowContext(ctx, `
		INSERT INTO device_codes (lookup, user_code, client_id, scopes, name, ip, user_agent, status,
			user_id, session_id, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		d.Lookup, d.UserCode, d.ClientID, sqlstore.EncodeStrings(d.Scopes), d.Name, d.IP, d.UserAgent, string(d.Status),
		sqlstore.NullID(d.UserID), sqlstore.NullID(d.SessionID), micros(expires), micros(created)).Scan(&id)
	if err != nil {
		return writeError(what, err)
	}
	d.ID, d.CreatedAt, d.ExpiresAt = id, created, expires
	return nil
}

// UpdateDeviceCode stores d's Status, UserID and SessionID.
func (t *tx) UpdateDeviceCode(ctx context.Context, d *store.DeviceCode) error {
	what := fmt.Sprintf("update device authorization %d", d.ID)
	if err := sqlstore.CheckDeviceStatus(d.Status); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE device_codes SET status = ?, user_id = ?, session_id = ? WHERE id = ?`,
		string(d.Status), sqlstore.NullID(d.UserID), sqlstore.NullID(d.SessionID), d.ID)
	return needRow(what, res, err)
}
