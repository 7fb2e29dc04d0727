package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

func TestLoginWithTOTPCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	secret, _ := b.enableTOTP()
	b.submit(b.get("/dashboard"), "/logout", nil)

	p := b.login("alice", testPassword)
	wantRedirect(t, p, "/login/2fa")
	// A session owing its second factor can do nothing else.
	for _, path := range []string{"/dashboard", "/dashboard/security", "/oauth/device", "/sudo"} {
		if p := b.get(path); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/login?") {
			t.Errorf("%s with a pending session: status %d to %q", path, p.status, p.location())
		}
	}
	page := b.get("/login/2fa")
	wantText(t, b.submit(page, "/login/2fa", map[string]string{"code": "000000"}), http.StatusUnauthorized, "That code is not right")
	wantRedirect(t, b.submit(page, "/login/2fa", map[string]string{"code": e.code(secret)}), "/dashboard")
	wantText(t, b.get("/dashboard"), http.StatusOK, "recovery codes left")

	got := e.events(alice.ID)
	want := []string{"login", "totp_enabled", "logout", "login_failed", "login"}
	if !slices.Equal(got, want) {
		t.Errorf("security log %v, want %v", got, want)
	}
}

func TestLoginWithTOTPReturnsToTheDevicePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	secret, _ := b.enableTOTP()
	b.submit(b.get("/dashboard"), "/logout", nil)

	p := b.follow(b.get("/oauth/device?user_code=bcdf-ghjk"))
	p = b.submit(p, "/login", map[string]string{"login": "alice", "password": testPassword})
	wantRedirect(t, p, "/login/2fa?return=%2Foauth%2Fdevice%3Fuser_code%3Dbcdf-ghjk")
	p = b.submit(b.get(p.location()), "/login/2fa", map[string]string{"code": e.code(secret)})
	wantRedirect(t, p, "/oauth/device?user_code=bcdf-ghjk")
}

func TestLoginWithRecoveryCodeWorksOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	_, codes := b.enableTOTP()
	if len(codes) != twofactor.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), twofactor.RecoveryCodeCount)
	}
	b.submit(b.get("/dashboard"), "/logout", nil)

	wantRedirect(t, b.login("alice", testPassword), "/login/2fa")
	p := b.get("/login/recovery")
	// In upper case, as someone might copy it.
	wantRedirect(t, b.submit(p, "/login/recovery", map[string]string{"code": strings.ToUpper(codes[3])}), "/dashboard")
	wantText(t, b.get("/dashboard"), http.StatusOK, "9 recovery codes left")
	b.submit(b.get("/dashboard"), "/logout", nil)

	wantRedirect(t, b.login("alice", testPassword), "/login/2fa")
	p = b.submit(b.get("/login/recovery"), "/login/recovery", map[string]string{"code": codes[3]})
	wantText(t, p, http.StatusUnauthorized, "That recovery code is not right, or it was used already.")
	wantRedirect(t, b.get("/dashboard"), "/login?return=%2Fdashboard")

	if got := e.events(alice.ID); !slices.Contains(got, "recovery_code_used") {
		t.Errorf("security log %v has no recovery_code_used", got)
	}
}

func TestTOTPEnrolmentKeepsTheSecretSealed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	aliceUser := e.addUser("alice")
	e.addUser("bob")
	alice, bob := e.browser(), e.browser()
	alice.mustLogin("alice")
	bob.mustLogin("bob")

	p := alice.get("/dashboard/security/totp")
	m := secretRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no secret shown")
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	if !strings.Contains(p.body, `src="data:image/png;base64,`) || !strings.Contains(p.body, `alt="QR code`) {
		t.Error("no QR code image with alt text")
	}
	f := p.form(t, "/dashboard/security/totp")
	sealed := f.values.Get("sealed")
	if strings.Contains(sealed, secret) {
		t.Error("the form carries the secret in clear")
	}
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if strings.Contains(c.Value, secret) {
			t.Errorf("cookie %s carries the secret", c.Name)
		}
	}

	// Alice's sealed secret, sent from Bob's session, does not open.
	bobForm := bob.get("/dashboard/security/totp")
	p = bob.submit(bobForm, "/dashboard/security/totp", map[string]string{"sealed": sealed, "code": e.code(secret)})
	wantText(t, p, http.StatusBadRequest, "does not belong to your account")
	// A damaged one neither.
	raw, _ := base64.RawURLEncoding.DecodeString(sealed)
	raw[len(raw)-1] ^= 1
	p = alice.submit(alice.get("/dashboard/security/totp"), "/dashboard/security/totp",
		map[string]string{"sealed": base64.RawURLEncoding.EncodeToString(raw), "code": e.code(secret)})
	wantText(t, p, http.StatusBadRequest, "does not belong to your account")
	// A wrong code shows the same secret again.
	p = alice.post("/dashboard/security/totp", withValues(f, map[string]string{"code": "123456"}))
	wantText(t, p, http.StatusUnauthorized, "That code is not right")
	if m := secretRe.FindStringSubmatch(p.body); m == nil || strings.ReplaceAll(m[1], " ", "") != secret {
		t.Error("after a wrong code the page shows another secret")
	}
	on, err := e.site.TwoFactor.Enabled(context.Background(), aliceUser.ID)
	if err != nil || on {
		t.Fatalf("2FA on after failed enrolments: %v, %v", on, err)
	}
	p = alice.post("/dashboard/security/totp", withValues(f, map[string]string{"code": e.code(secret)}))
	wantText(t, p, http.StatusOK, "Two-factor authentication is on.")
}

// withValues copies a form's values and sets some.
func withValues(f *form, set map[string]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range f.values {
		out[k] = append([]string(nil), v...)
	}
	for k, v := range set {
		out[k] = []string{v}
	}
	return out
}

func TestEnablingTOTPSignsOutOtherBrowsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	laptop, phone := e.browser(), e.browser()
	laptop.mustLogin("alice")
	phone.mustLogin("alice")
	laptop.enableTOTP()
	wantText(t, laptop.get("/dashboard"), http.StatusOK, "alice")
	wantRedirect(t, phone.get("/dashboard"), "/login?return=%2Fdashboard")
}

func TestRegeneratedRecoveryCodesReplaceTheOldOnes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	_, old := b.enableTOTP()
	p := b.submit(b.get("/dashboard/security"), "/dashboard/security/recovery-codes", nil)
	wantText(t, p, http.StatusOK, "Your old recovery codes no longer work.")
	var fresh []string
	for _, c := range codeRe.FindAllStringSubmatch(codesRe.FindStringSubmatch(p.body)[1], -1) {
		fresh = append(fresh, c[1])
	}
	if len(fresh) != twofactor.RecoveryCodeCount || slices.Contains(fresh, old[0]) {
		t.Fatalf("new codes %v", fresh)
	}
	b.submit(b.get("/dashboard"), "/logout", nil)
	b.login("alice", testPassword)
	wantText(t, b.submit(b.get("/login/recovery"), "/login/recovery", map[string]string{"code": old[0]}), http.StatusUnauthorized, "not right")
	wantRedirect(t, b.submit(b.get("/login/recovery"), "/login/recovery", map[string]string{"code": fresh[0]}), "/dashboard")
	if got := e.events(alice.ID); !slices.Contains(got, "recovery_codes_regenerated") {
		t.Errorf("security log %v", got)
	}
}

func TestPasswordChangeSignsOutOtherBrowsersAndDevices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	ctx := context.Background()
	device := &store.OAuthSession{UserID: alice.ID, ClientID: oauth.ShipClientID, Name: "laptop", Scopes: []string{oauth.ScopeRead}, ExpiresAt: e.clock.Now().Add(oauth.SessionTTL)}
	if err := e.store.Update(ctx, func(tx store.Tx) error { return tx.CreateOAuthSession(ctx, device) }); err != nil {
		t.Fatal(err)
	}
	laptop, phone := e.browser(), e.browser()
	laptop.mustLogin("alice")
	phone.mustLogin("alice")
	sec := laptop.get("/dashboard/security")
	wantText(t, laptop.submit(sec, "/dashboard/security/password", map[string]string{"new_password": "a new passphrase", "confirm_password": "another"}),
		http.StatusBadRequest, "The two passwords differ.")
	wantText(t, laptop.submit(sec, "/dashboard/security/password", map[string]string{"new_password": "short", "confirm_password": "short"}),
		http.StatusBadRequest, "shorter than 8 characters")
	p := laptop.submit(sec, "/dashboard/security/password", map[string]string{"new_password": "a new passphrase", "confirm_password": "a new passphrase"})
	wantRedirect(t, p, "/dashboard/security?done=password")
	wantText(t, laptop.get(p.location()), http.StatusOK, "Your password was changed.")
	wantRedirect(t, phone.get("/dashboard"), "/login?return=%2Fdashboard")
	wantText(t, phone.login("alice", testPassword), http.StatusUnauthorized, msgBadLogin)
	wantRedirect(t, phone.login("alice", "a new passphrase"), "/dashboard")
	if live, err := e.store.OAuthSessions(ctx, alice.ID, e.clock.Now()); err != nil || len(live) != 0 {
		t.Errorf("device logins after a password change: %v (%v)", live, err)
	}
}
