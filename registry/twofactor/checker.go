package twofactor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/throttle"
)

// Errors of Checker that callers turn into answers (403, 401
// invalid_totp, 429). Any other error is the server's fault.
var (
	// ErrNotEnrolled: the user has no second factor.
	ErrNotEnrolled = errors.New("two-factor authentication is not enabled")
	// ErrInvalid: a wrong, malformed, expired or replayed code.
	ErrInvalid = errors.New("invalid two-factor authentication code")
	// ErrThrottled: too many recent failures for the user or the address;
	// no code is checked until they age out of the window.
	ErrThrottled = errors.New("too many failed two-factor authentication attempts")
)

// Failure limits of Checker, over a sliding window.
var (
	// UserLimit is per user, whatever the address: a code is 6 digits and
	// each guess can hit one of three codes, so 10 guesses in 15 minutes
	// leave an attacker about one chance in 33 000 per window.
	UserLimit = throttle.Limit{Max: 10, Window: 15 * time.Minute}
	// IPLimit is per address (per /64 for IPv6), across users: higher,
	// since several users may share an address behind one NAT.
	IPLimit = throttle.Limit{Max: 30, Window: 15 * time.Minute}
)

// EnrollBy is the `by` that Enroll records for the code that proved the
// enrolment, so that the same code cannot then be presented elsewhere.
const EnrollBy = "enroll"

// Checker is the second-factor policy every caller shares: the API's
// x-hex-otp check, the website's login and its sudo mode.
type Checker struct {
	Store    store.Store
	Sealer   *Sealer
	Throttle *throttle.Throttle
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// userKey and ipKey name the failure counts a code is throttled by.
func userKey(userID int64) string { return throttle.Key("otp-user", userID) }

func ipKey(ip string) string { return throttle.IPKey("otp-ip", ip) }

// ipBlocked reports ErrThrottled when the address's failures reached
// IPLimit. An empty ip (no address known, as at enrolment) is not counted.
func (c *Checker) ipBlocked(ctx context.Context, ip string) error {
	if ip == "" {
		return nil
	}
	b, err := c.Throttle.Blocked(ctx, IPLimit, ipKey(ip))
	if err != nil {
		return fmt.Errorf("2fa throttle: %w", err)
	}
	if b {
		return ErrThrottled
	}
	return nil
}

// takeUser counts this attempt as one of the user's failures before the
// code is checked (see throttle.Take), so that a burst of concurrent
// guesses gets no more than UserLimit.Max of them checked; a right code
// clears the count again. ErrThrottled when the user is at the limit.
func (c *Checker) takeUser(ctx context.Context, userID int64) error {
	ok, err := c.Throttle.Take(ctx, UserLimit, userKey(userID))
	if err != nil {
		return fmt.Errorf("2fa throttle: %w", err)
	}
	if !ok {
		return ErrThrottled
	}
	return nil
}

// fail counts a failure for the address (the user's was counted by
// takeUser) and returns ErrInvalid, or the error recording it.
func (c *Checker) fail(ctx context.Context, ip string) error {
	if ip != "" {
		if err := c.Throttle.Fail(ctx, ipKey(ip)); err != nil {
			return fmt.Errorf("2fa throttle: %w", err)
		}
	}
	return ErrInvalid
}

// clear forgets the user's failures once they proved the second factor.
// The address's failures stay: an attacker must not reset the count of
// the address they guess from by signing in to an account of their own.
func (c *Checker) clear(ctx context.Context, userID int64) error {
	if err := c.Throttle.Clear(ctx, userKey(userID)); err != nil {
		return fmt.Errorf("2fa throttle: %w", err)
	}
	return nil
}

// Verify checks a TOTP code that `by` (who presents it, e.g. "oauth:12",
// "web:7") sent for userID from address ip. While the user or the address
// is throttled it returns ErrThrottled without looking at the code, so a
// right guess during a lockout is refused too. A code is accepted once per
// time step: `by` may present it again within its step (the Hex client
// sends one code for a package and then its docs), nobody else may, and no
// code of an earlier step is accepted after a later one was. A wrong or
// replayed code counts a failure for the user and for the address.
func (c *Checker) Verify(ctx context.Context, userID int64, code, by, ip string) error {
	if err := c.ipBlocked(ctx, ip); err != nil {
		return err
	}
	t, err := c.Store.TOTP(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotEnrolled
	}
	if err != nil {
		return fmt.Errorf("2fa: %w", err)
	}
	if err := c.takeUser(ctx, userID); err != nil {
		return err
	}
	secret, err := c.Sealer.Open(t.Secret, userID)
	if err != nil {
		return fmt.Errorf("2fa of user %d: %w", userID, err)
	}
	step, ok := Match(secret, code, c.now())
	if !ok {
		return c.fail(ctx, ip)
	}
	var fresh bool
	err = c.Store.Update(ctx, func(tx store.Tx) error {
		var err error
		fresh, err = tx.UseTOTPStep(ctx, userID, step, by)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotEnrolled // disabled meanwhile
	}
	if err != nil {
		return fmt.Errorf("2fa: %w", err)
	}
	if !fresh {
		return c.fail(ctx, ip) // a replay
	}
	return c.clear(ctx, userID)
}

// VerifyRecovery uses up one of the user's recovery codes, typed in any
// case, with or without hyphens. It is throttled and counted like Verify.
func (c *Checker) VerifyRecovery(ctx context.Context, userID int64, code, ip string) error {
	if err := c.ipBlocked(ctx, ip); err != nil {
		return err
	}
	if on, err := c.Enabled(ctx, userID); err != nil {
		return err
	} else if !on {
		return ErrNotEnrolled
	}
	if err := c.takeUser(ctx, userID); err != nil {
		return err
	}
	hash := c.Sealer.HashRecoveryCode(code)
	at := c.now()
	err := c.Store.Update(ctx, func(tx store.Tx) error {
		return tx.UseRecoveryCode(ctx, userID, hash, at)
	})
	if errors.Is(err, store.ErrNotFound) {
		return c.fail(ctx, ip) // no such unused code (or 2FA disabled meanwhile)
	}
	if err != nil {
		return fmt.Errorf("2fa: %w", err)
	}
	return c.clear(ctx, userID)
}

// Enroll turns on 2FA for userID with secret (from NewSecret, shown to the
// user) once code proves their app has it. It replaces any earlier
// enrolment and recovery codes, and returns ten new recovery codes in
// clear, to be shown once. A wrong code stores nothing, counts a failure
// for the user and returns ErrInvalid.
func (c *Checker) Enroll(ctx context.Context, userID int64, secret, code string) ([]string, error) {
	if err := checkSecret(secret); err != nil {
		return nil, err
	}
	if err := c.takeUser(ctx, userID); err != nil {
		return nil, err
	}
	now := c.now()
	step, ok := Match(secret, code, now)
	if !ok {
		return nil, ErrInvalid
	}
	codes, hashes, err := c.newRecovery()
	if err != nil {
		return nil, err
	}
	t := &store.TOTP{
		UserID:    userID,
		Secret:    c.Sealer.Seal(secret, userID),
		EnabledAt: now,
		LastStep:  step,
		LastBy:    EnrollBy,
	}
	err = c.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.EnableTOTP(ctx, t, hashes); err != nil {
			return err
		}
		// Recorded again in case the store left LastStep to UseTOTPStep.
		fresh, err := tx.UseTOTPStep(ctx, userID, step, EnrollBy)
		if err != nil {
			return err
		}
		if !fresh {
			return errors.New("the enrolment's own code counts as a replay")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("2fa enrol: %w", err)
	}
	if err := c.clear(ctx, userID); err != nil {
		return nil, err
	}
	return codes, nil
}

// checkSecret refuses a secret that is not unpadded base32 of at least
// 128 bits (RFC 4226 §4): a caller's bug, not the user's.
func checkSecret(secret string) error {
	b, err := b32.DecodeString(secret)
	if err != nil || len(b) < 16 {
		return errors.New("2fa enrol: the secret is not base32 of at least 128 bits")
	}
	return nil
}

// newRecovery makes a set of recovery codes and their hashes.
func (c *Checker) newRecovery() (codes, hashes []string, err error) {
	codes, err = NewRecoveryCodes()
	if err != nil {
		return nil, nil, err
	}
	hashes = make([]string, len(codes))
	for i, code := range codes {
		hashes[i] = c.Sealer.HashRecoveryCode(code)
	}
	return codes, hashes, nil
}

// RegenerateRecovery replaces all of the user's recovery codes (used or
// not) with ten new ones and returns them in clear, to be shown once.
func (c *Checker) RegenerateRecovery(ctx context.Context, userID int64) ([]string, error) {
	codes, hashes, err := c.newRecovery()
	if err != nil {
		return nil, err
	}
	err = c.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.TOTP(ctx, userID); errors.Is(err, store.ErrNotFound) {
			return ErrNotEnrolled
		} else if err != nil {
			return err
		}
		return tx.ReplaceRecoveryCodes(ctx, userID, hashes)
	})
	if errors.Is(err, ErrNotEnrolled) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, fmt.Errorf("2fa recovery codes: %w", err)
	}
	return codes, nil
}

// Disable turns 2FA off for the user, dropping the secret and every
// recovery code. No error when it was off.
func (c *Checker) Disable(ctx context.Context, userID int64) error {
	err := c.Store.Update(ctx, func(tx store.Tx) error {
		return tx.DisableTOTP(ctx, userID)
	})
	if err != nil {
		return fmt.Errorf("2fa disable: %w", err)
	}
	return nil
}

// Enabled reports whether the user has 2FA on.
func (c *Checker) Enabled(ctx context.Context, userID int64) (bool, error) {
	_, err := c.Store.TOTP(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("2fa: %w", err)
	}
	return true, nil
}
