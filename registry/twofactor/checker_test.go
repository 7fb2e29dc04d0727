package twofactor

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexship/ship/internal/testclock"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/sqlite"
	"github.com/hexship/ship/registry/throttle"
)

type fixture struct {
	c     *Checker
	clock *testclock.Clock
	st    store.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := testclock.New(time.Date(2026, 5, 1, 12, 0, 10, 0, time.UTC))
	return &fixture{
		c: &Checker{
			Store:    st,
			Sealer:   newSealer(t, "server secret "),
			Throttle: &throttle.Throttle{Store: st, Now: clk.Now},
			Now:      clk.Now,
		},
		clock: clk,
		st:    st,
	}
}

// user creates an account and returns its ID.
func (f *fixture) user(t *testing.T, name string) int64 {
	t.Helper()
	u := &store.User{Username: name, Email: name + "@example.com"}
	if err := f.st.Update(context.Background(), func(tx store.Tx) error { return tx.CreateUser(context.Background(), u) }); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// code is secret's code at the current time plus d steps.
func (f *fixture) code(t *testing.T, secret string, d int64) string {
	t.Helper()
	return codeOf(t, secret, Step(f.clock.Now())+d)
}

// enrolled creates a user with 2FA on, moves the clock a few steps past
// the enrolment and returns the user's ID, secret and recovery codes.
func (f *fixture) enrolled(t *testing.T, name string) (int64, string, []string) {
	t.Helper()
	id := f.user(t, name)
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := f.c.Enroll(context.Background(), id, secret, f.code(t, secret, 0))
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(5 * Period)
	return id, secret, rec
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
}

func TestVerifyDrift(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for d := int64(-2); d <= 2; d++ {
		id, secret, _ := f.enrolled(t, fmt.Sprintf("drift%d", d+2))
		err := f.c.Verify(ctx, id, f.code(t, secret, d), "oauth:1", "192.0.2.1")
		if d >= -1 && d <= 1 {
			wantErr(t, fmt.Sprintf("code of step %+d", d), err, nil)
		} else {
			wantErr(t, fmt.Sprintf("code of step %+d", d), err, ErrInvalid)
		}
	}
}

func TestVerifyReplay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id, secret, _ := f.enrolled(t, "ana")
	now := f.code(t, secret, 0)
	wantErr(t, "first use", f.c.Verify(ctx, id, now, "oauth:1", "192.0.2.1"), nil)
	// The Hex client sends the same code for the package and its docs.
	wantErr(t, "same presenter, same step", f.c.Verify(ctx, id, now, "oauth:1", "192.0.2.1"), nil)
	wantErr(t, "another session", f.c.Verify(ctx, id, now, "oauth:2", "192.0.2.1"), ErrInvalid)
	wantErr(t, "the website", f.c.Verify(ctx, id, now, "web:1", "192.0.2.1"), ErrInvalid)

	f.clock.Advance(Period)
	next := f.code(t, secret, 0)
	wantErr(t, "next step, another session", f.c.Verify(ctx, id, next, "oauth:2", "192.0.2.1"), nil)
	// The code of the step before is still within the drift window, but a
	// later step was used since.
	wantErr(t, "older step by its first presenter", f.c.Verify(ctx, id, now, "oauth:1", "192.0.2.1"), ErrInvalid)
	wantErr(t, "older step by the newer presenter", f.c.Verify(ctx, id, now, "oauth:2", "192.0.2.1"), ErrInvalid)
}

func TestEnrolCodeIsUsed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id := f.user(t, "ana")
	secret, _ := NewSecret()
	code := f.code(t, secret, 0)
	if _, err := f.c.Enroll(ctx, id, secret, code); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "the enrolment code presented again", f.c.Verify(ctx, id, code, "web:1", "192.0.2.1"), ErrInvalid)
	wantErr(t, "the next code", f.c.Verify(ctx, id, f.code(t, secret, 1), "web:1", "192.0.2.1"), nil)
}

func TestEnrollWrongCodeStoresNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id := f.user(t, "ana")
	secret, _ := NewSecret()
	wrong := f.code(t, secret, 3)
	rec, err := f.c.Enroll(ctx, id, secret, wrong)
	wantErr(t, "enrol with a wrong code", err, ErrInvalid)
	if rec != nil {
		t.Errorf("recovery codes returned: %v", rec)
	}
	if on, err := f.c.Enabled(ctx, id); err != nil || on {
		t.Fatalf("Enabled = %v, %v", on, err)
	}
	if n, err := f.st.RecoveryCodesLeft(ctx, id); err != nil || n != 0 {
		t.Fatalf("%d recovery codes stored (%v)", n, err)
	}
	wantErr(t, "verify after the failed enrolment", f.c.Verify(ctx, id, f.code(t, secret, 0), "web:1", ""), ErrNotEnrolled)

	if _, err := f.c.Enroll(ctx, id, "TOOSHORT", "123456"); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("a 40-bit secret: %v", err)
	}
}

func TestEnrollSealsTheSecret(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ana, secret, _ := f.enrolled(t, "ana")
	bob := f.user(t, "bob")
	row, err := f.st.TOTP(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(row.Secret), secret) {
		t.Fatal("the secret is stored in clear")
	}
	// Ana's sealed secret copied into Bob's row does not open there.
	err = f.st.Update(ctx, func(tx store.Tx) error {
		return tx.EnableTOTP(ctx, &store.TOTP{UserID: bob, Secret: row.Secret, EnabledAt: f.clock.Now()}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = f.c.Verify(ctx, bob, f.code(t, secret, 0), "web:2", "192.0.2.1")
	if err == nil || errors.Is(err, ErrInvalid) {
		t.Fatalf("Bob with Ana's sealed secret and code: %v, want a server error", err)
	}
	wantErr(t, "Ana", f.c.Verify(ctx, ana, f.code(t, secret, 0), "web:1", "192.0.2.1"), nil)
}

func TestNotEnrolled(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id := f.user(t, "ana")
	if on, err := f.c.Enabled(ctx, id); err != nil || on {
		t.Fatalf("Enabled = %v, %v", on, err)
	}
	wantErr(t, "Verify", f.c.Verify(ctx, id, "123456", "web:1", "192.0.2.1"), ErrNotEnrolled)
	wantErr(t, "VerifyRecovery", f.c.VerifyRecovery(ctx, id, "abcd-efgh-jkmn-pqrs", "192.0.2.1"), ErrNotEnrolled)
	_, err := f.c.RegenerateRecovery(ctx, id)
	wantErr(t, "RegenerateRecovery", err, ErrNotEnrolled)
}

func TestDisable(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id, secret, rec := f.enrolled(t, "ana")
	if on, err := f.c.Enabled(ctx, id); err != nil || !on {
		t.Fatalf("Enabled = %v, %v", on, err)
	}
	if err := f.c.Disable(ctx, id); err != nil {
		t.Fatal(err)
	}
	if on, _ := f.c.Enabled(ctx, id); on {
		t.Fatal("still enabled")
	}
	wantErr(t, "Verify", f.c.Verify(ctx, id, f.code(t, secret, 0), "web:1", "192.0.2.1"), ErrNotEnrolled)
	wantErr(t, "VerifyRecovery", f.c.VerifyRecovery(ctx, id, rec[0], "192.0.2.1"), ErrNotEnrolled)
	if err := f.c.Disable(ctx, id); err != nil {
		t.Fatalf("disabling twice: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id, _, rec := f.enrolled(t, "ana")
	if len(rec) != 10 {
		t.Fatalf("%d recovery codes", len(rec))
	}
	typed := strings.ToUpper(strings.ReplaceAll(rec[0], "-", ""))
	wantErr(t, "upper case without hyphens", f.c.VerifyRecovery(ctx, id, typed, "192.0.2.1"), nil)
	wantErr(t, "the same code again", f.c.VerifyRecovery(ctx, id, rec[0], "192.0.2.1"), ErrInvalid)
	wantErr(t, "with spaces", f.c.VerifyRecovery(ctx, id, strings.ReplaceAll(rec[1], "-", " "), "192.0.2.1"), nil)
	wantErr(t, "a made-up code", f.c.VerifyRecovery(ctx, id, "abcd-efgh-jkmn-pqrs", "192.0.2.1"), ErrInvalid)
	if n, err := f.st.RecoveryCodesLeft(ctx, id); err != nil || n != 8 {
		t.Fatalf("%d codes left (%v), want 8", n, err)
	}

	fresh, err := f.c.RegenerateRecovery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "an unused code of the old set", f.c.VerifyRecovery(ctx, id, rec[2], "192.0.2.1"), ErrInvalid)
	wantErr(t, "a code of the new set", f.c.VerifyRecovery(ctx, id, fresh[9], "192.0.2.1"), nil)
	if n, _ := f.st.RecoveryCodesLeft(ctx, id); n != 9 {
		t.Fatalf("%d codes left, want 9", n)
	}

	// Another user's code is no use.
	bob, _, bobRec := f.enrolled(t, "bob")
	wantErr(t, "Ana's code for Bob", f.c.VerifyRecovery(ctx, bob, fresh[0], "192.0.2.1"), ErrInvalid)
	wantErr(t, "Bob's code for Ana", f.c.VerifyRecovery(ctx, id, bobRec[0], "192.0.2.1"), ErrInvalid)
}

func TestThrottleUser(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id, secret, rec := f.enrolled(t, "ana")
	wrong := f.code(t, secret, 5)
	for i := range UserLimit.Max {
		// Each from another address: the user's own count locks.
		wantErr(t, fmt.Sprintf("wrong code %d", i+1), f.c.Verify(ctx, id, wrong, "oauth:1", fmt.Sprintf("192.0.2.%d", i)), ErrInvalid)
	}
	right := f.code(t, secret, 0)
	wantErr(t, "right code while locked", f.c.Verify(ctx, id, right, "oauth:1", "198.51.100.1"), ErrThrottled)
	wantErr(t, "recovery code while locked", f.c.VerifyRecovery(ctx, id, rec[0], "198.51.100.1"), ErrThrottled)
	other, otherSecret, _ := f.enrolled(t, "bob")
	wantErr(t, "another user", f.c.Verify(ctx, other, f.code(t, otherSecret, 0), "oauth:2", "198.51.100.1"), nil)

	f.clock.Advance(UserLimit.Window)
	wantErr(t, "right code after the window", f.c.Verify(ctx, id, f.code(t, secret, 0), "oauth:1", "198.51.100.1"), nil)
	if n, _ := f.st.RecoveryCodesLeft(ctx, id); n != 10 {
		t.Fatalf("the refused recovery code was used up: %d left", n)
	}

	// A success starts the count again: another Max-1 failures do not lock.
	for i := range UserLimit.Max - 1 {
		wantErr(t, fmt.Sprintf("wrong code %d after success", i+1), f.c.Verify(ctx, id, wrong, "oauth:1", "203.0.113.1"), ErrInvalid)
	}
	f.clock.Advance(Period)
	wantErr(t, "right code after Max-1 failures", f.c.Verify(ctx, id, f.code(t, secret, 0), "oauth:1", "203.0.113.1"), nil)
}

func TestThrottleRecoveryGuesses(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id, _, rec := f.enrolled(t, "ana")
	for i := range UserLimit.Max {
		wantErr(t, fmt.Sprintf("wrong recovery code %d", i+1), f.c.VerifyRecovery(ctx, id, fmt.Sprintf("aaaa-aaaa-aaaa-aaa%d", i), fmt.Sprintf("192.0.2.%d", i)), ErrInvalid)
	}
	wantErr(t, "right recovery code while locked", f.c.VerifyRecovery(ctx, id, rec[0], "198.51.100.1"), ErrThrottled)
}

func TestThrottleSharedByAddress(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// IPLimit failures spread over users, none reaching UserLimit.
	per := UserLimit.Max - 1
	users := (IPLimit.Max + per - 1) / per
	fails := 0
	for u := range users {
		id, secret, _ := f.enrolled(t, fmt.Sprintf("u%d", u))
		for ; fails < IPLimit.Max && fails < (u+1)*per; fails++ {
			// Addresses of one /64 count as one.
			ip := fmt.Sprintf("2001:db8::%x", fails+1)
			wantErr(t, fmt.Sprintf("failure %d", fails+1), f.c.Verify(ctx, id, f.code(t, secret, 4), "web:1", ip), ErrInvalid)
		}
	}
	id, secret, rec := f.enrolled(t, "victim")
	wantErr(t, "right code from the address", f.c.Verify(ctx, id, f.code(t, secret, 0), "web:9", "2001:db8::beef"), ErrThrottled)
	wantErr(t, "recovery code from the address", f.c.VerifyRecovery(ctx, id, rec[0], "2001:db8::beef"), ErrThrottled)
	wantErr(t, "right code from another address", f.c.Verify(ctx, id, f.code(t, secret, 0), "web:9", "2001:db8:1::1"), nil)
}

func TestThrottleConcurrentGuesses(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id, secret, _ := f.enrolled(t, "ana")
	wrong := f.code(t, secret, 7)
	const n = 4 * 10
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Distinct addresses, so that only the user's count can stop them.
			errs <- f.c.Verify(ctx, id, wrong, "oauth:1", fmt.Sprintf("10.0.%d.%d", i/200, i%200))
		})
	}
	wg.Wait()
	close(errs)
	checked := 0
	for err := range errs {
		switch {
		case errors.Is(err, ErrInvalid):
			checked++
		case errors.Is(err, ErrThrottled):
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if checked > UserLimit.Max {
		t.Fatalf("%d concurrent guesses were checked; the limit is %d", checked, UserLimit.Max)
	}
}
