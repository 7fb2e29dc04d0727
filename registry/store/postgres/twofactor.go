package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstore"
)

// TOTP returns the user's 2FA enrolment; ErrNotFound when 2FA is off.
func (r reads) TOTP(ctx context.Context, userID int64) (*store.TOTP, error) {
	t, err := scan.TOTP(r.q.QueryRow(ctx, `SELECT `+sqlstore.TOTPColumns+` FROM totp WHERE user_id = $1`, userID))
	if err != nil {
		return nil, notFound(fmt.Sprintf("2FA enrolment of user %d", userID), err)
	}
	return t, nil
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (r reads) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := r.q.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("recovery codes of user %d: %w", userID, err)
	}
	return n, nil
}

// EnableTOTP stores the enrolment, replacing any, and replaces the
// recovery codes, all or nothing. A zero EnabledAt is the current time
// (set in e).
func (t *tx) EnableTOTP(ctx context.Context, e *store.TOTP, recoveryHashes []string) error {
	at := sqlstore.OrNow(e.EnabledAt)
	err := t.savepoint(ctx, func() error {
		_, err := t.q.Exec(ctx, `
			INSERT INTO totp (user_id, secret, enabled_at, last_step, last_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled_at = excluded.enabled_at,
				last_step = excluded.last_step, last_by = excluded.last_by`,
			e.UserID, sqlstore.NonNilBlob(e.Secret), at, e.LastStep, e.LastBy)
		if err != nil {
			return err
		}
		return t.replaceRecoveryCodes(ctx, e.UserID, recoveryHashes)
	})
	if err != nil {
		return writeError(fmt.Sprintf("enable 2FA for user %d", e.UserID), err)
	}
	e.EnabledAt = at
	return nil
}

// DisableTOTP removes the enrolment and the recovery codes.
func (t *tx) DisableTOTP(ctx context.Context, userID int64) error {
	for _, q := range []string{`DELETE FROM totp WHERE user_id = $1`, `DELETE FROM recovery_codes WHERE user_id = $1`} {
		if _, err := t.q.Exec(ctx, q, userID); err != nil {
			return fmt.Errorf("disable 2FA for user %d: %w", userID, err)
		}
	}
	return nil
}

// UseTOTPStep advances the last accepted step in one conditional UPDATE.
// Two transactions presenting one code both find the old row; the second
// to update it waits for the first and then fails to serialise, and runs
// again to find the step taken. When no row changed it tells "2FA is off"
// from a replay.
func (t *tx) UseTOTPStep(ctx context.Context, userID int64, step int64, by string) (bool, error) {
	what := fmt.Sprintf("use a 2FA code of user %d", userID)
	tag, err := t.guardedExec(ctx, `
		UPDATE totp SET last_step = $1, last_by = $2
		WHERE user_id = $3 AND (last_step < $1 OR (last_step = $1 AND last_by = $2))`, step, by, userID)
	if err != nil {
		return false, writeError(what, err)
	}
	if tag.RowsAffected() > 0 {
		return true, nil
	}
	var one int
	if err := t.q.QueryRow(ctx, `SELECT 1 FROM totp WHERE user_id = $1`, userID).Scan(&one); err != nil {
		return false, notFound(what, err)
	}
	return false, nil // a replay
}

// ReplaceRecoveryCodes replaces every recovery code of the user, all or
// nothing.
func (t *tx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	err := t.savepoint(ctx, func() error { return t.replaceRecoveryCodes(ctx, userID, hashes) })
	if err != nil {
		return writeError(fmt.Sprintf("replace recovery codes of user %d", userID), err)
	}
	return nil
}

// replaceRecoveryCodes deletes the user's codes and inserts hashes, in one
// statement each; the caller holds a savepoint.
func (t *tx) replaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	if len(hashes) == 0 {
		return nil
	}
	_, err := t.q.Exec(ctx, `INSERT INTO recovery_codes (user_id, hash) SELECT $1, unnest($2::text[])`, userID, hashes)
	return err
}

// UseRecoveryCode marks one unused code used.
func (t *tx) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) error {
	what := fmt.Sprintf("use a recovery code of user %d", userID)
	if !storable(hash) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	tag, err := t.q.Exec(ctx, `
		UPDATE recovery_codes SET used_at = $1
		WHERE user_id = $2 AND hash = $3 AND used_at IS NULL`, sqlstore.OrNow(at), userID, hash)
	return needRow(what, tag, err)
}
