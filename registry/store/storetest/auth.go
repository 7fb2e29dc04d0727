package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// authCases check AuthReader and AuthWriter.
var authCases = joinCases(
	twoFactorCases,
	deviceCodeCases,
	oauthSessionCases,
	oauthTokenCases,
	webSessionCases,
	authLogCases,
	authConcurrencyCases,
	[]testCase{
		{"SetPassword", testSetPassword},
		{"PruneAuth", testPruneAuth},
		{"AuthTimesMicrosecondsUTC", testAuthTimes},
	},
)

const day = 24 * time.Hour

// A new password hash is stored with the time of the change.
func testSetPassword(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	update(t, s, func(tx store.Tx) error { return tx.SetPassword(ctx, alice.ID, "new-hash", at(time.Hour)) })
	got, err := s.UserByID(ctx, alice.ID)
	must(t, err)
	want := *alice
	want.PasswordHash, want.UpdatedAt = "new-hash", at(time.Hour)
	equal(t, "alice after SetPassword", got, &want)
	got, err = s.UserByID(ctx, bob.ID)
	must(t, err)
	equal(t, "bob", got, bob)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.SetPassword(ctx, alice.ID+bob.ID+100, "h", t0) })
	wantErr(t, "SetPassword(missing user)", err, store.ErrNotFound)
}

// Times given in any zone with nanoseconds are kept to the microsecond
// and read back in UTC, in every kind of row of the auth tables; what a
// create leaves in its argument is what a read gives back.
func testAuthTimes(t *testing.T, s store.Store) {
	zone := time.FixedZone("UTC-03:30", -(3*3600 + 1800))
	base := time.Date(2024, 5, 6, 7, 8, 9, 123456789, zone)
	want := base.UTC().Truncate(time.Microsecond)
	check := func(what string, got time.Time) {
		t.Helper()
		if got.Location() != time.UTC || !got.Equal(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	alice := newUser(t, s, "alice")
	tp := &store.TOTP{UserID: alice.ID, Secret: []byte("sealed"), EnabledAt: base}
	d := &store.DeviceCode{Lookup: "dl", UserCode: "ABCDEFGH", ClientID: "cli", Status: store.DevicePending, ExpiresAt: base, CreatedAt: base.Add(-time.Minute)}
	sess := &store.OAuthSession{UserID: alice.ID, ClientID: "cli", CreatedAt: base, ExpiresAt: base, RevokedAt: &base, LastUse: &store.KeyUse{At: base}}
	w := &store.WebSession{Lookup: "wl", UserID: alice.ID, SudoAt: &base, CreatedAt: base, ExpiresAt: base, LastUse: &store.KeyUse{At: base}}
	e := &store.SecurityEvent{UserID: alice.ID, Kind: "login", At: base}
	var tok *store.OAuthToken
	update(t, s, func(tx store.Tx) error {
		if err := tx.EnableTOTP(ctx, tp, nil); err != nil {
			return err
		}
		if err := tx.CreateDeviceCode(ctx, d); err != nil {
			return err
		}
		if err := tx.CreateOAuthSession(ctx, sess); err != nil {
			return err
		}
		tok = &store.OAuthToken{SessionID: sess.ID, Kind: store.RefreshToken, Hash: "th", CreatedAt: base, ExpiresAt: base, RotatedAt: &base, RevokedAt: &base}
		if err := tx.CreateOAuthToken(ctx, tok); err != nil {
			return err
		}
		if err := tx.CreateWebSession(ctx, w); err != nil {
			return err
		}
		if err := tx.RecordFailure(ctx, "k", base); err != nil {
			return err
		}
		return tx.AddSecurityEvent(ctx, e)
	})

	gt, err := s.TOTP(ctx, alice.ID)
	must(t, err)
	check("TOTP EnabledAt", gt.EnabledAt)
	equal(t, "TOTP after EnableTOTP", gt, tp)
	gd, err := s.DeviceCodeByLookup(ctx, "dl")
	must(t, err)
	check("device code ExpiresAt", gd.ExpiresAt)
	equal(t, "device code after CreateDeviceCode", gd, d)
	gs, err := s.OAuthSession(ctx, sess.ID)
	must(t, err)
	for what, v := range map[string]time.Time{"CreatedAt": gs.CreatedAt, "ExpiresAt": gs.ExpiresAt, "RevokedAt": *gs.RevokedAt, "LastUse.At": gs.LastUse.At} {
		check("session "+what, v)
	}
	equal(t, "session after CreateOAuthSession", gs, sess)
	gk, err := s.OAuthTokenByHash(ctx, "th")
	must(t, err)
	for what, v := range map[string]time.Time{"CreatedAt": gk.CreatedAt, "ExpiresAt": gk.ExpiresAt, "RotatedAt": *gk.RotatedAt, "RevokedAt": *gk.RevokedAt} {
		check("token "+what, v)
	}
	equal(t, "token after CreateOAuthToken", gk, tok)
	gw, err := s.WebSessionByLookup(ctx, "wl")
	must(t, err)
	for what, v := range map[string]time.Time{"CreatedAt": gw.CreatedAt, "ExpiresAt": gw.ExpiresAt, "SudoAt": *gw.SudoAt, "LastUse.At": gw.LastUse.At} {
		check("web session "+what, v)
	}
	equal(t, "web session after CreateWebSession", gw, w)
	events, err := s.SecurityEvents(ctx, alice.ID, 1)
	must(t, err)
	if len(events) != 1 {
		t.Fatalf("SecurityEvents = %s", show(events))
	}
	check("event At", events[0].At)
	equal(t, "event after AddSecurityEvent", events[0], *e)
	for since, n := range map[time.Time]int{base: 1, base.Add(time.Microsecond): 0} {
		got, err := s.Failures(ctx, "k", since)
		must(t, err)
		if got != n {
			t.Errorf("Failures since %v = %d, want %d", since, got, n)
		}
	}
}
