package shipyardtest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/throttle"
	"github.com/hexship/ship/registry/twofactor"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// AddUser creates the account name (email name@example.com, no password)
// directly in the store.
func (r *Registry) AddUser(t testing.TB, name string) *store.User {
	t.Helper()
	ctx := context.Background()
	u := &store.User{Username: name, Email: name + "@example.com"}
	if err := r.Backends.Store.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

// AddKey creates an API key for u directly in the store, as `shipyard key
// add` does, and returns its secret, which Hex clients send raw as the
// Authorization value. No permissions means {api}.
func (r *Registry) AddKey(t testing.TB, u *store.User, name string, perms ...store.Permission) string {
	t.Helper()
	if len(perms) == 0 {
		perms = []store.Permission{{Domain: "api"}}
	}
	ctx := context.Background()
	secret := apikey.NewSecret()
	lookup, verify := r.Backends.Keys.Hash(secret)
	key := &store.Key{UserID: u.ID, Name: name, Lookup: lookup, Verify: verify, Permissions: perms}
	if err := r.Backends.Store.Update(ctx, func(tx store.Tx) error { return tx.CreateKey(ctx, key) }); err != nil {
		t.Fatal(err)
	}
	return secret
}

// OAuth is the approval side of the device flow over the registry's own
// store and secret: what the website calls when a person clicks
// "Authorize" or "Deny".
func (r *Registry) OAuth(t testing.TB) *oauth.Service {
	t.Helper()
	s, err := oauth.New(oauth.Config{Store: r.Backends.Store, Keys: r.Backends.Keys, Secret: r.Backends.Secret, PublicURL: r.URL, Now: r.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Checker checks and enrols TOTP codes over the registry's store, secret
// and clock, as the registry does.
func (r *Registry) Checker(t testing.TB) *twofactor.Checker {
	t.Helper()
	sealer, err := twofactor.NewSealer(r.Backends.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return &twofactor.Checker{Store: r.Backends.Store, Sealer: sealer, Throttle: &throttle.Throttle{Store: r.Backends.Store, Now: r.Clock.Now}, Now: r.Clock.Now}
}

// Enrol turns on TOTP for u and returns the secret. The enrolment uses
// the present step's code, which is never accepted twice, so Enrol moves
// the clock on one step: tests start with a fresh code.
func (r *Registry) Enrol(t testing.TB, u *store.User) string {
	t.Helper()
	secret, err := twofactor.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Checker(t).Enroll(context.Background(), u.ID, secret, r.Code(t, secret, 0)); err != nil {
		t.Fatal(err)
	}
	r.Clock.Advance(twofactor.Period)
	return secret
}

// Code is the TOTP code of secret at the registry's clock plus offset
// time steps: what an authenticator app shows.
func (r *Registry) Code(t testing.TB, secret string, offset int) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, r.Clock.Now().Add(time.Duration(offset)*twofactor.Period), totp.ValidateOpts{
		Period: uint(twofactor.Period / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// WhoAmI asks the registry's API who an Authorization value (an API key,
// or "Bearer " and an access token) belongs to; "" when it is refused.
func (r *Registry) WhoAmI(t testing.TB, authorization string) string {
	t.Helper()
	req, err := http.NewRequest("GET", r.URL+"/api/users/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	var me struct{ Username string }
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		t.Fatal(err)
	}
	return me.Username
}
