package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var authLogCases = []testCase{
	{"FailuresCountAndClear", testFailures},
	{"SecurityEventsNewestFirst", testSecurityEvents},
}

// failures is Failures, failing the test on an error.
func failures(t *testing.T, r store.Reader, key string, since time.Time) int {
	t.Helper()
	n, err := r.Failures(ctx, key, since)
	must(t, err)
	return n
}

// Failures counts a key's failures at or after since; ClearFailures
// forgets one key's and no other's.
func testFailures(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for _, f := range []struct {
			key  string
			when time.Time
		}{
			{"login-ip:192.0.2.1", at(2 * time.Minute)},
			{"login-ip:192.0.2.1", t0},
			{"login-ip:192.0.2.1", at(time.Minute)},
			{"login-ip:192.0.2.1", at(time.Minute)}, // two at once count twice
			{"otp-user:12", at(time.Minute)},
		} {
			if err := tx.RecordFailure(ctx, f.key, f.when); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct {
		key   string
		since time.Time
		want  int
	}{
		{"login-ip:192.0.2.1", at(-time.Hour), 4},
		{"login-ip:192.0.2.1", t0, 4},
		{"login-ip:192.0.2.1", at(time.Microsecond), 3},
		{"login-ip:192.0.2.1", at(time.Minute), 3},
		{"login-ip:192.0.2.1", at(2 * time.Minute), 1},
		{"login-ip:192.0.2.1", at(3 * time.Minute), 0},
		{"otp-user:12", t0, 1},
		{"otp-user:1", t0, 0},
		{"LOGIN-IP:192.0.2.1", t0, 0},
	} {
		if got := failures(t, s, c.key, c.since); got != c.want {
			t.Errorf("Failures(%s, t0%+v) = %d, want %d", c.key, c.since.Sub(t0), got, c.want)
		}
	}
	update(t, s, func(tx store.Tx) error { return tx.ClearFailures(ctx, "login-ip:192.0.2.1") })
	if got := failures(t, s, "login-ip:192.0.2.1", at(-time.Hour)); got != 0 {
		t.Errorf("Failures after ClearFailures = %d", got)
	}
	if got := failures(t, s, "otp-user:12", t0); got != 1 {
		t.Errorf("Failures of the other key after ClearFailures = %d, want 1", got)
	}
	update(t, s, func(tx store.Tx) error { return tx.ClearFailures(ctx, "never") })
}

// A user's events come newest first (the later insert first among equal
// times), at most limit of them.
func testSecurityEvents(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	add := func(userID int64, kind string, when time.Time) store.SecurityEvent {
		t.Helper()
		e := &store.SecurityEvent{UserID: userID, Kind: kind, Detail: "detail of " + kind, IP: "192.0.2.9", UserAgent: "Firefox", At: when}
		update(t, s, func(tx store.Tx) error { return tx.AddSecurityEvent(ctx, e) })
		if e.ID == 0 {
			t.Fatal("AddSecurityEvent did not set the ID")
		}
		return *e
	}
	login := add(alice.ID, "login", at(time.Minute))
	totp := add(alice.ID, "totp_enabled", at(time.Hour))
	first := add(alice.ID, "signup", t0)
	device := add(alice.ID, "device_approved", at(time.Hour)) // same time as totp, added later
	bobs := add(bob.ID, "login", at(2*time.Hour))

	for limit, want := range map[int][]store.SecurityEvent{
		10: {device, totp, login, first},
		4:  {device, totp, login, first},
		2:  {device, totp},
		1:  {device},
	} {
		got, err := s.SecurityEvents(ctx, alice.ID, limit)
		must(t, err)
		equal(t, fmt.Sprintf("SecurityEvents(alice, %d)", limit), got, want)
	}
	got, err := s.SecurityEvents(ctx, bob.ID, 10)
	must(t, err)
	equal(t, "SecurityEvents(bob)", got, []store.SecurityEvent{bobs})
	got, err = s.SecurityEvents(ctx, bob.ID+alice.ID+100, 10)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("SecurityEvents(no such user) = %s", show(got))
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.AddSecurityEvent(ctx, &store.SecurityEvent{UserID: bob.ID + alice.ID + 100, Kind: "login", At: t0})
	})
	wantErr(t, "AddSecurityEvent(missing user)", err, store.ErrNotFound)
}
