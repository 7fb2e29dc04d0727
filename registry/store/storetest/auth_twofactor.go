package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var twoFactorCases = []testCase{
	{"TOTPOffIsNotFound", testTOTPOff},
	{"TOTPEnableDisableReplaceCodes", testTOTPEnableDisable},
	{"TOTPStepNeverReplayed", testTOTPStep},
	{"RecoveryCodesSingleUse", testRecoveryCodes},
}

// enableTOTP turns 2FA on for the user with the given recovery code hashes.
func enableTOTP(t *testing.T, s store.Store, userID int64, secret string, codes ...string) *store.TOTP {
	t.Helper()
	tp := &store.TOTP{UserID: userID, Secret: []byte(secret), EnabledAt: at(time.Minute)}
	update(t, s, func(tx store.Tx) error { return tx.EnableTOTP(ctx, tp, codes) })
	return tp
}

// codesLeft is RecoveryCodesLeft, failing the test on an error.
func codesLeft(t *testing.T, r store.Reader, userID int64) int {
	t.Helper()
	n, err := r.RecoveryCodesLeft(ctx, userID)
	must(t, err)
	return n
}

// useCode runs UseRecoveryCode in an Update of its own.
func useCode(s store.Store, userID int64, hash string) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.UseRecoveryCode(ctx, userID, hash, t0) })
}

// Without an enrolment there is nothing to read, use or count, and
// turning 2FA off is no error.
func testTOTPOff(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	_, err := s.TOTP(ctx, alice.ID)
	wantErr(t, "TOTP with 2FA off", err, store.ErrNotFound)
	if n := codesLeft(t, s, alice.ID); n != 0 {
		t.Errorf("RecoveryCodesLeft with 2FA off = %d", n)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.UseTOTPStep(ctx, alice.ID, 100, "web:1")
		return err
	})
	wantErr(t, "UseTOTPStep with 2FA off", err, store.ErrNotFound)
	update(t, s, func(tx store.Tx) error { return tx.DisableTOTP(ctx, alice.ID) })
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.EnableTOTP(ctx, &store.TOTP{UserID: alice.ID + 1000, Secret: []byte("s"), EnabledAt: t0}, []string{"c"})
	})
	wantErr(t, "EnableTOTP(missing user)", err, store.ErrNotFound)
}

// EnableTOTP stores the enrolment and exactly the recovery codes given,
// replacing what was there; DisableTOTP removes both. Another user's
// enrolment is untouched throughout.
func testTOTPEnableDisable(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	bobs := enableTOTP(t, s, bob.ID, "bob-secret", "b1", "b2")

	first := enableTOTP(t, s, alice.ID, "first-secret", "a1", "a2", "a3")
	got, err := s.TOTP(ctx, alice.ID)
	must(t, err)
	equal(t, "TOTP after EnableTOTP", got, &store.TOTP{UserID: alice.ID, Secret: []byte("first-secret"), EnabledAt: at(time.Minute)})
	equal(t, "EnableTOTP's argument", first, got)
	if n := codesLeft(t, s, alice.ID); n != 3 {
		t.Errorf("RecoveryCodesLeft after enabling with 3 = %d", n)
	}
	update(t, s, func(tx store.Tx) error {
		ok, err := tx.UseTOTPStep(ctx, alice.ID, 500, "web:1")
		if !ok {
			t.Error("first UseTOTPStep refused")
		}
		return err
	})

	// Enabling again (a new secret) replaces the enrolment, its last step,
	// and every code.
	second := &store.TOTP{UserID: alice.ID, Secret: []byte("second-secret"), EnabledAt: at(time.Hour)}
	update(t, s, func(tx store.Tx) error { return tx.EnableTOTP(ctx, second, []string{"a4", "a5"}) })
	got, err = s.TOTP(ctx, alice.ID)
	must(t, err)
	equal(t, "TOTP after enabling again", got, second)
	if n := codesLeft(t, s, alice.ID); n != 2 {
		t.Errorf("RecoveryCodesLeft after enabling again with 2 = %d", n)
	}
	wantErr(t, "UseRecoveryCode(a1) after enabling again", useCode(s, alice.ID, "a1"), store.ErrNotFound)
	must(t, useCode(s, alice.ID, "a4"))

	update(t, s, func(tx store.Tx) error { return tx.DisableTOTP(ctx, alice.ID) })
	_, err = s.TOTP(ctx, alice.ID)
	wantErr(t, "TOTP after DisableTOTP", err, store.ErrNotFound)
	if n := codesLeft(t, s, alice.ID); n != 0 {
		t.Errorf("RecoveryCodesLeft after DisableTOTP = %d", n)
	}
	wantErr(t, "UseRecoveryCode(a5) after DisableTOTP", useCode(s, alice.ID, "a5"), store.ErrNotFound)

	got, err = s.TOTP(ctx, bob.ID)
	must(t, err)
	equal(t, "bob's TOTP", got, bobs)
	if n := codesLeft(t, s, bob.ID); n != 2 {
		t.Errorf("bob's RecoveryCodesLeft = %d, want 2", n)
	}
}

// A time step is accepted when it is after the last accepted one, or the
// same one for the same presenter; anything else is a replay, refused
// without changing the enrolment.
func testTOTPStep(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	enabled := enableTOTP(t, s, alice.ID, "secret")
	last := *enabled
	for i, c := range []struct {
		step int64
		by   string
		ok   bool
	}{
		{100, "web:1", true},
		{100, "web:1", true},    // the same presenter again (a retried request)
		{100, "oauth:2", false}, // the same code for someone else
		{99, "web:1", false},    // an earlier code
		{99, "oauth:2", false},
		{101, "oauth:2", true}, // a later code, for anyone
		{100, "oauth:2", false},
		{101, "web:1", false},
		{1000, "web:1", true},
	} {
		var ok bool
		update(t, s, func(tx store.Tx) (err error) {
			ok, err = tx.UseTOTPStep(ctx, alice.ID, c.step, c.by)
			return err
		})
		if ok != c.ok {
			t.Errorf("%d: UseTOTPStep(%d, %s) = %v, want %v", i, c.step, c.by, ok, c.ok)
		}
		if c.ok {
			last.LastStep, last.LastBy = c.step, c.by
		}
		got, err := s.TOTP(ctx, alice.ID)
		must(t, err)
		equal(t, "TOTP after UseTOTPStep", got, &last)
	}
}

// A recovery code works once; unknown codes, used codes and other users'
// codes are not found. ReplaceRecoveryCodes starts afresh.
func testRecoveryCodes(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	enableTOTP(t, s, alice.ID, "secret", "c1", "c2")
	enableTOTP(t, s, bob.ID, "secret", "b1")

	must(t, useCode(s, alice.ID, "c1"))
	if n := codesLeft(t, s, alice.ID); n != 1 {
		t.Errorf("RecoveryCodesLeft after one use = %d, want 1", n)
	}
	wantErr(t, "UseRecoveryCode(c1) again", useCode(s, alice.ID, "c1"), store.ErrNotFound)
	wantErr(t, "UseRecoveryCode(unknown)", useCode(s, alice.ID, "zz"), store.ErrNotFound)
	wantErr(t, "UseRecoveryCode(bob's code)", useCode(s, alice.ID, "b1"), store.ErrNotFound)
	if n := codesLeft(t, s, bob.ID); n != 1 {
		t.Errorf("bob's RecoveryCodesLeft = %d, want 1", n)
	}

	update(t, s, func(tx store.Tx) error { return tx.ReplaceRecoveryCodes(ctx, alice.ID, []string{"c1", "c3", "c4"}) })
	if n := codesLeft(t, s, alice.ID); n != 3 {
		t.Errorf("RecoveryCodesLeft after ReplaceRecoveryCodes = %d, want 3", n)
	}
	wantErr(t, "UseRecoveryCode(c2) after the replace", useCode(s, alice.ID, "c2"), store.ErrNotFound)
	must(t, useCode(s, alice.ID, "c1")) // a fresh code, though its hash was used before
	must(t, useCode(s, alice.ID, "c4"))
	if n := codesLeft(t, s, alice.ID); n != 1 {
		t.Errorf("RecoveryCodesLeft after two uses = %d, want 1", n)
	}

	// A replace refused (here, one listing a code twice, if the store
	// refuses that) changes nothing: the write is all or nothing.
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.ReplaceRecoveryCodes(ctx, alice.ID, []string{"d1", "d2", "d2"}); err != nil {
			if n := codesLeft(t, tx, alice.ID); n != 1 {
				t.Errorf("RecoveryCodesLeft in the transaction after a refused replace = %d, want 1", n)
			}
			return tx.UseRecoveryCode(ctx, alice.ID, "c3", t0) // the transaction goes on
		}
		return nil
	})
	must(t, err)
	if left := codesLeft(t, s, alice.ID); left != 0 && left != 2 {
		t.Errorf("RecoveryCodesLeft after replacing with a repeated code = %d, want 2 (kept once) or 0 (refused, then c3 used)", left)
	}

	update(t, s, func(tx store.Tx) error { return tx.ReplaceRecoveryCodes(ctx, alice.ID, nil) })
	if n := codesLeft(t, s, alice.ID); n != 0 {
		t.Errorf("RecoveryCodesLeft after replacing with none = %d", n)
	}
	if n := codesLeft(t, s, bob.ID); n != 1 {
		t.Errorf("bob's RecoveryCodesLeft after alice's replaces = %d, want 1", n)
	}
}
