package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// DeviceCodeByLookup finds a device authorization by its lookup hash.
func (r reads) DeviceCodeByLookup(ctx context.Context, lookup string) (*store.DeviceCode, error) {
	const what = "device authorization by lookup"
	if !storable(lookup) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	d, err := scan.DeviceCode(r.q.QueryRow(ctx, `SELECT `+sqlstore.DeviceCodeColumns+` FROM device_codes WHERE lookup = $1`, lookup))
	if err != nil {
		return nil, notFound(what, err)
	}
	return d, nil
}

// DeviceCodeByUserCode finds the newest device authorization with that
// user code.
func (r reads) DeviceCodeByUserCode(ctx context.Context, userCode string) (*store.DeviceCode, error) {
	const what = "device authorization by user code"
	if !storable(userCode) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	d, err := scan.DeviceCode(r.q.QueryRow(ctx, `
		SELECT `+sqlstore.DeviceCodeColumns+` FROM device_codes
		WHERE user_code = $1
		ORDER BY created_at DESC, id DESC
		LIMIT 1`, userCode))
	if err != nil {
		return nil, notFound(what, err)
	}
	return d, nil
}

// CreateDeviceCode inserts d unless another authorization still alive at
// d.CreatedAt (the current time when zero) has its user code. The check
// and the insert are in one SERIALIZABLE transaction: of two creating the
// same user code at once, one fails to serialise and runs again, to find
// the other's. It sets d.ID and d.CreatedAt.
func (t *tx) CreateDeviceCode(ctx context.Context, d *store.DeviceCode) error {
	what := fmt.Sprintf("create a device authorization for client %q", d.ClientID)
	if err := sqlstore.CheckDeviceStatus(d.Status); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	created, expires := sqlstore.OrNow(d.CreatedAt), sqlstore.Norm(d.ExpiresAt)
	if storable(d.UserCode) {
		var other int64
		err := t.q.QueryRow(ctx, `SELECT id FROM device_codes WHERE user_code = $1 AND expires_at > $2 LIMIT 1`,
			d.UserCode, created).Scan(&other)
		switch {
		case err == nil:
			return fmt.Errorf("%s: %w: its user code belongs to device authorization %d, which has not expired", what, store.ErrConflict, other)
		case !errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("%s: %w", what, err)
		}
	} // else the insert refuses it
	var id int64
	err := t.guarded(ctx, func(row pgx.Row) error { return row.Scan(&id) }, `
		INSERT INTO device_codes (lookup, user_code, client_id, scopes, name, ip, user_agent, status,
			user_id, session_id, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING id`,
		d.Lookup, d.UserCode, d.ClientID, sqlstore.EncodeStrings(d.Scopes), d.Name, d.IP, d.UserAgent, string(d.Status),
		sqlstore.NullID(d.UserID), sqlstore.NullID(d.SessionID), expires, created)
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
	tag, err := t.guardedExec(ctx, `UPDATE device_codes SET status = $1, user_id = $2, session_id = $3 WHERE id = $4`,
		string(d.Status), sqlstore.NullID(d.UserID), sqlstore.NullID(d.SessionID), d.ID)
	return needRow(what, tag, err)
}
