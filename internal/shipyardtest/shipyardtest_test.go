package shipyardtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/hexship/ship/internal/shipyardtest"
)

func TestKeysMadeInTheStoreAuthenticateOverHTTPAfterAReopen(t *testing.T) {
	r := shipyardtest.Start(t)
	if got := r.Clock.Now(); !got.Equal(shipyardtest.DefaultStart) {
		t.Errorf("clock starts at %v, want %v", got, shipyardtest.DefaultStart)
	}
	key := r.AddKey(t, r.AddUser(t, "ada"), "laptop")
	if got := r.WhoAmI(t, key); got != "ada" {
		t.Fatalf("the key authenticates as %q, want ada", got)
	}
	if got := r.WhoAmI(t, "not a key"); got != "" {
		t.Fatalf("a made-up key authenticates as %q", got)
	}

	// The same data directory, opened again by a second registry, still
	// knows the account and its key.
	r.Server.Close()
	at := time.Date(2040, time.January, 1, 0, 0, 0, 0, time.UTC)
	again := shipyardtest.Start(t, shipyardtest.DataDir(r.DataDir), shipyardtest.StartAt(at))
	if !again.Clock.Now().Equal(at) {
		t.Errorf("StartAt: clock at %v, want %v", again.Clock.Now(), at)
	}
	if got := again.WhoAmI(t, key); got != "ada" {
		t.Fatalf("after reopening, the key authenticates as %q, want ada", got)
	}
}

func TestEnrolLeavesAFreshCodeForTheTest(t *testing.T) {
	r := shipyardtest.Start(t)
	u := r.AddUser(t, "ada")
	before := r.Clock.Now()
	secret := r.Enrol(t, u)
	checker := r.Checker(t)
	ctx := context.Background()
	if on, err := checker.Enabled(ctx, u.ID); err != nil || !on {
		t.Fatalf("TOTP enabled after Enrol: %v %v", on, err)
	}
	if r.Clock.Now().Equal(before) {
		t.Fatal("Enrol left the clock on the step whose code it used")
	}
	if err := checker.Verify(ctx, u.ID, r.Code(t, secret, 0), "test", "127.0.0.1"); err != nil {
		t.Fatalf("the present code after Enrol: %v", err)
	}
	if err := checker.Verify(ctx, u.ID, r.Code(t, secret, 0), "someone else", "127.0.0.1"); err == nil {
		t.Fatal("another party used the same step's code")
	}
}
