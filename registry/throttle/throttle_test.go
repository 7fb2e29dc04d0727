package throttle

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store/sqlite"
)

func newThrottle(t *testing.T) (*Throttle, *time.Time) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	return &Throttle{Store: st, Now: func() time.Time { return now }}, &now
}

func blocked(t *testing.T, th *Throttle, l Limit, keys ...string) bool {
	t.Helper()
	b, err := th.Blocked(context.Background(), l, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBlockedAtMax(t *testing.T) {
	ctx := context.Background()
	th, _ := newThrottle(t)
	l := Limit{Max: 3, Window: time.Minute}
	for i := range 3 {
		if blocked(t, th, l, "a") {
			t.Fatalf("blocked after %d failures", i)
		}
		if err := th.Fail(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if !blocked(t, th, l, "a") {
		t.Fatal("not blocked after 3 failures")
	}
	if blocked(t, th, l, "b") {
		t.Fatal("another key is blocked")
	}
	if !blocked(t, th, l, "b", "a") {
		t.Fatal("not blocked when any key is")
	}
	if err := th.Clear(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if blocked(t, th, l, "a") {
		t.Fatal("still blocked after Clear")
	}
}

func TestWindowSlides(t *testing.T) {
	ctx := context.Background()
	th, now := newThrottle(t)
	l := Limit{Max: 2, Window: 10 * time.Minute}
	th.Fail(ctx, "k")
	*now = now.Add(6 * time.Minute)
	th.Fail(ctx, "k")
	if !blocked(t, th, l, "k") {
		t.Fatal("two failures within the window do not block")
	}
	*now = now.Add(5 * time.Minute) // the first is 11 minutes old
	if blocked(t, th, l, "k") {
		t.Fatal("a failure older than the window still counts")
	}
}

func TestFailCountsEveryKey(t *testing.T) {
	ctx := context.Background()
	th, _ := newThrottle(t)
	l := Limit{Max: 1, Window: time.Minute}
	if err := th.Fail(ctx, "x", "y"); err != nil {
		t.Fatal(err)
	}
	if !blocked(t, th, l, "x") || !blocked(t, th, l, "y") {
		t.Fatal("Fail did not count under both keys")
	}
}

func TestTake(t *testing.T) {
	ctx := context.Background()
	th, _ := newThrottle(t)
	l := Limit{Max: 2, Window: time.Minute}
	for i, want := range []bool{true, true, false, false} {
		ok, err := th.Take(ctx, l, "u", "v")
		if err != nil {
			t.Fatal(err)
		}
		if ok != want {
			t.Fatalf("take %d: %v, want %v", i+1, ok, want)
		}
	}
	n, err := th.Store.Failures(ctx, "v", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d failures recorded, want 2: a refused Take must record nothing", n)
	}
	// One blocked key refuses the attempt for all.
	th.Fail(ctx, "w", "w")
	if ok, _ := th.Take(ctx, l, "fresh", "w"); ok {
		t.Fatal("taken although w is blocked")
	}
	if n, _ := th.Store.Failures(ctx, "fresh", time.Time{}); n != 0 {
		t.Fatalf("refused Take recorded %d failures under the other key", n)
	}
}

func TestKeys(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Key("otp-user", 12), "otp-user:12"},
		{Key("login", "ana", 3), "login:ana:3"},
		{Key("plain"), "plain"},
		{IPKey("ip", "192.0.2.1"), "ip:192.0.2.1"},
		{IPKey("ip", "::ffff:192.0.2.1"), "ip:192.0.2.1"},
		{IPKey("ip", "192.0.2.1:8080"), "ip:192.0.2.1"},
		{IPKey("ip", "2001:db8::1"), "ip:2001:db8::/64"},
		{IPKey("ip", "2001:db8::ffff:1"), "ip:2001:db8::/64"},
		{IPKey("ip", "[2001:db8::7]:443"), "ip:2001:db8::/64"},
		{IPKey("ip", "2001:db8:0:1::1"), "ip:2001:db8:0:1::/64"},
		{IPKey("ip", "fe80::1%eth0"), "ip:fe80::/64"},
		{IPKey("ip", "not an address"), "ip:not an address"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
