package client_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hexship/ship/registry/client"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/twofactor"
)

// A write made with an OAuth token of a user with 2FA is answered with
// the challenges ship prompts on: a code is required, then the code is
// wrong, then the right one publishes.
func TestPublishOTPChallenges(t *testing.T) {
	r := newRegistry(t)
	alice := r.AddUser(t, "alice")
	secret := r.Enrol(t, alice)
	token := r.deviceLogin(alice, oauth.ScopeWrite)
	c := r.client("Bearer " + token)
	tar, _ := build(t, metadata("rocket", "1.0.0"))

	_, err := publish(c, tar, false, "")
	wantRefusal(t, err, http.StatusUnauthorized, "Two-factor authentication required. Include X-Hex-OTP header with your TOTP code.")
	if !client.IsOTPRequired(err) || client.IsOTPInvalid(err) || client.IsTokenExpired(err) {
		t.Errorf("without a code: %v reads as required %v, invalid %v, expired %v",
			err, client.IsOTPRequired(err), client.IsOTPInvalid(err), client.IsTokenExpired(err))
	}
	wantNoSecret(t, err, token)

	wrong := r.wrongCode(secret)
	_, err = publish(c, tar, false, wrong)
	wantRefusal(t, err, http.StatusUnauthorized, "Invalid two-factor authentication code")
	if !client.IsOTPInvalid(err) || client.IsOTPRequired(err) {
		t.Errorf("with a wrong code: %v is not read as invalid", err)
	}
	wantNoSecret(t, err, token, wrong)

	res, err := publish(c, tar, false, r.Code(t, secret, 0))
	if err != nil {
		t.Fatalf("with the right code: %v", err)
	}
	if res.Name != "rocket" || res.Version != "1.0.0" {
		t.Errorf("published %+v", res)
	}
}

// Owner changes are writes too: the code goes in x-hex-otp.
func TestOwnersOTP(t *testing.T) {
	r := newRegistry(t)
	ctx := context.Background()
	alice := r.AddUser(t, "alice")
	r.AddUser(t, "bob")
	secret := r.Enrol(t, alice)
	c := r.client("Bearer " + r.deviceLogin(alice, oauth.ScopeWrite))
	tar, _ := build(t, metadata("rocket", "1.0.0"))
	if _, err := publish(c, tar, false, r.Code(t, secret, 0)); err != nil {
		t.Fatal(err)
	}

	err := c.AddOwner(ctx, "rocket", "bob", "maintainer", false, "")
	if !client.IsOTPRequired(err) {
		t.Fatalf("adding an owner without a code: %v", err)
	}
	// Reads need none.
	if _, err := c.Owners(ctx, "rocket"); err != nil {
		t.Fatal(err)
	}
	r.Clock.Advance(twofactor.Period) // a code is accepted once per step
	if err := c.AddOwner(ctx, "rocket", "bob", "maintainer", false, r.Code(t, secret, 0)); err != nil {
		t.Fatal(err)
	}
	r.Clock.Advance(twofactor.Period)
	err = c.RemoveOwner(ctx, "rocket", "bob", r.wrongCode(secret))
	if !client.IsOTPInvalid(err) {
		t.Fatalf("removing an owner with a wrong code: %v", err)
	}
	if err := c.RemoveOwner(ctx, "rocket", "bob", r.Code(t, secret, 0)); err != nil {
		t.Fatal(err)
	}
}

// Without 2FA a login only reads; a write is refused with hex.pm's 403,
// which is no challenge a code could answer.
func TestWriteWithout2FA(t *testing.T) {
	r := newRegistry(t)
	alice := r.AddUser(t, "alice")
	c := r.client("Bearer " + r.deviceLogin(alice, oauth.ScopeRepositories))
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	tar, _ := build(t, metadata("rocket", "1.0.0"))
	_, err := publish(c, tar, false, "123456")
	wantRefusal(t, err, http.StatusUnauthorized, "key not authorized for this action")
	if client.IsOTPRequired(err) || client.IsOTPInvalid(err) {
		t.Errorf("%v asks for a code", err)
	}
}

// An expired access token is answered with the token_expired challenge,
// on which ship refreshes.
func TestTokenExpired(t *testing.T) {
	r := newRegistry(t)
	alice := r.AddUser(t, "alice")
	token := r.deviceLogin(alice)
	c := r.client("Bearer " + token)
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.Clock.Advance(oauth.DefaultAccessTTL + time.Second)
	_, err := c.Me(context.Background())
	wantRefusal(t, err, http.StatusUnauthorized, "access token expired")
	if !client.IsTokenExpired(err) || client.IsOTPRequired(err) {
		t.Errorf("%v is not read as an expired token", err)
	}
	wantNoSecret(t, err, token)
}
