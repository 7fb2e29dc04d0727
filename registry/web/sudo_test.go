package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

func TestCSRFRefusalWithoutToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	// Sign-out without a token: refused, still signed in.
	wantText(t, b.post("/logout", url.Values{}), http.StatusForbidden, "This form has expired")
	wantText(t, b.get("/dashboard"), http.StatusOK, "alice")
	// Nor may a sign-in form be posted without its cookie and token.
	anon := e.browser()
	wantText(t, anon.post("/login", url.Values{"login": {"alice"}, "password": {testPassword}}), http.StatusForbidden, "Reload the page")
	wantRedirect(t, anon.get("/dashboard"), "/login?return=%2Fdashboard")
}

func TestCSRFRefusalOfAnotherSessionsToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	e.addUser("mallory")
	alice, mallory := e.browser(), e.browser()
	alice.mustLogin("alice")
	mallory.mustLogin("mallory")
	// Mallory's token, in a form that Alice's browser sends.
	stolen := mallory.get("/dashboard/security").form(t, "/dashboard/security/password").values
	stolen.Set("new_password", "mallory knows it")
	stolen.Set("confirm_password", "mallory knows it")
	wantText(t, alice.post("/dashboard/security/password", stolen), http.StatusForbidden, "This form has expired")
	wantRedirect(t, e.browser().login("alice", testPassword), "/dashboard")

	// An anonymous token made for one cookie is no good with another.
	loginForm := e.browser().get("/login").form(t, "/login").values
	loginForm.Set("login", "alice")
	loginForm.Set("password", testPassword)
	other := e.browser()
	other.get("/login") // a cookie of its own
	wantText(t, other.post("/login", loginForm), http.StatusForbidden, "This form has expired")
}

func TestCSRFRefusalOfCrossSiteRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	f := b.get("/dashboard").form(t, "/logout").values
	// Even with a valid token, a browser that says the form came from
	// another site is refused.
	b.header.Set("Origin", "https://evil.example")
	wantText(t, b.post("/logout", f), http.StatusForbidden, "came from another web site")
	b.header.Del("Origin")
	b.header.Set("Sec-Fetch-Site", "cross-site")
	wantText(t, b.post("/logout", f), http.StatusForbidden, "came from another web site")
	b.header.Del("Sec-Fetch-Site")
	wantText(t, b.get("/dashboard"), http.StatusOK, "alice")
	// Same-origin it works.
	b.header.Set("Sec-Fetch-Site", "same-origin")
	wantRedirect(t, b.post("/logout", f), "/")
}

func TestSudoExpiryRedirectsToSudoAndBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	// Sign-in grants sudo mode for an hour.
	wantText(t, b.get("/dashboard/security"), http.StatusOK, "Two-factor authentication")
	e.clock.Advance(SudoTimeout - time.Second)
	wantText(t, b.get("/dashboard/security"), http.StatusOK, "Two-factor authentication")
	e.clock.Advance(time.Second)
	p := b.get("/dashboard/security")
	wantRedirect(t, p, "/sudo?return=%2Fdashboard%2Fsecurity")
	p = b.get(p.location())
	wantText(t, b.submit(p, "/sudo", map[string]string{"password": "wrong"}), http.StatusUnauthorized, "That password is not right.")
	p = b.submit(p, "/sudo", map[string]string{"password": testPassword})
	wantRedirect(t, p, "/dashboard/security")
	wantText(t, b.get("/dashboard/security"), http.StatusOK, "Two-factor authentication")
	if got := e.events(alice.ID); !slices.Equal(got[len(got)-2:], []string{"sudo_failed", "sudo"}) {
		t.Errorf("security log %v", got)
	}
}

func TestSudoWithTOTPOrRecoveryCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	secret, codes := b.enableTOTP()

	e.clock.Advance(SudoTimeout)
	p := b.follow(b.get("/dashboard/security"))
	if f := p.form(t, "/sudo"); !strings.Contains(f.html, `name="code"`) || strings.Contains(f.html, `name="password"`) {
		t.Fatalf("an account with 2FA is asked for its password:\n%s", f.html)
	}
	wantRedirect(t, b.submit(p, "/sudo", map[string]string{"code": e.code(secret)}), "/dashboard/security")

	e.clock.Advance(SudoTimeout)
	p = b.follow(b.get("/dashboard/security"))
	p = b.get(pathOfLink(t, p, "/sudo/recovery"))
	wantRedirect(t, b.submit(p, "/sudo/recovery", map[string]string{"code": codes[0]}), "/dashboard/security")
	wantText(t, b.get("/dashboard/security"), http.StatusOK, "Recovery codes left: <strong>9</strong>")
}

// pathOfLink finds a link on a page that starts with prefix.
func pathOfLink(t *testing.T, p *reply, prefix string) string {
	t.Helper()
	_, after, ok := strings.Cut(p.body, `href="`+prefix)
	if !ok {
		t.Fatalf("no link to %s on %s:\n%s", prefix, p.path, p.body)
	}
	rest, _, _ := strings.Cut(after, `"`)
	return prefix + strings.ReplaceAll(rest, "&amp;", "&")
}

func TestDisablingTOTPNeedsSudoWithin30Seconds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	laptop, phone := e.browser(), e.browser()
	laptop.mustLogin("alice")
	secret, _ := laptop.enableTOTP() // moves the clock past 30 s
	wantRedirect(t, phone.login("alice", testPassword), "/login/2fa")
	wantRedirect(t, phone.submit(phone.get("/login/2fa"), "/login/2fa", map[string]string{"code": e.code(secret)}), "/dashboard")
	// A device logged in with write access.
	dev := e.startDevice("api")
	ctx := context.Background()
	if err := e.oauth.Approve(ctx, dev.UserCode, alice, []string{"api:write"}, store.KeyUse{At: e.clock.Now(), IP: "192.0.2.8"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(twofactor.Period)

	// Sudo from sign-in is an hour old at most, but not 30 s: asked again.
	sec := laptop.get("/dashboard/security")
	p := laptop.submit(sec, "/dashboard/security/totp/disable", nil)
	wantText(t, p, http.StatusOK, "Confirm it is you")
	if on, _ := e.site.TwoFactor.Enabled(ctx, alice.ID); !on {
		t.Fatal("2FA was disabled without a fresh sudo")
	}
	p = laptop.submit(p, "/sudo", map[string]string{"code": e.code(secret)})
	wantText(t, p, http.StatusOK, "press Continue")
	// Continuing within 30 s turns it off...
	e.clock.Advance(SudoForceTimeout - time.Second)
	p = laptop.submit(p, "/dashboard/security/totp/disable", nil)
	wantRedirect(t, p, "/dashboard/security?done=totp-disabled")
	if on, _ := e.site.TwoFactor.Enabled(ctx, alice.ID); on {
		t.Fatal("2FA still on")
	}
	wantText(t, laptop.get(p.location()), http.StatusOK, "every device login was revoked")
	// ...signs out the other browser and revokes the device.
	wantRedirect(t, phone.get("/dashboard"), "/login?return=%2Fdashboard")
	if s, err := e.oauth.Sessions(ctx, alice.ID); err != nil || len(s) != 0 {
		t.Errorf("OAuth sessions left: %v, %v", s, err)
	}
	if got := e.events(alice.ID); !slices.Contains(got, "totp_disabled") {
		t.Errorf("security log %v", got)
	}
}

func TestDisablingTOTPAfter30SecondsAsksAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	secret, _ := b.enableTOTP()
	p := b.submit(b.get("/dashboard/security"), "/dashboard/security/totp/disable", nil)
	p = b.submit(p, "/sudo", map[string]string{"code": e.code(secret)})
	// Too slow to press Continue: asked again, the form still kept.
	e.clock.Advance(SudoForceTimeout)
	p = b.submit(p, "/dashboard/security/totp/disable", nil)
	wantText(t, p, http.StatusOK, "Confirm it is you")
	if on, _ := e.site.TwoFactor.Enabled(context.Background(), alice.ID); !on {
		t.Fatal("2FA disabled after the 30 s")
	}
}

func TestExpiredSudoKeepsPostedFieldsThroughTheDetour(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	e.clock.Advance(SudoTimeout - 5*time.Minute)
	dev := e.startDevice("api:read repositories")
	p := b.get("/oauth/device/authorize?user_code=" + dev.UserCode)
	wantText(t, p, http.StatusOK, "Authorize ship")

	// The page stays open until sudo mode ends (but not the device's
	// code); the person unticks "repositories" and authorizes.
	e.clock.Advance(5 * time.Minute)
	p = b.submit(p, "/oauth/device/authorize", map[string]string{"action": "authorize", "selected_scopes[]": ""})
	wantText(t, p, http.StatusOK, "Nothing is lost")
	sudoForm := p.form(t, "/sudo")
	want := url.Values{
		"return":          {"/oauth/device/authorize"},
		"replay":          {"1"},
		"carry.user_code": {dev.UserCode},
		"carry.action":    {"authorize"},
		"csrf_token":      sudoForm.values["csrf_token"],
		"username":        {"alice"}, // for password managers
		"password":        {""},
	}
	if !equalValues(sudoForm.values, want) {
		t.Fatalf("sudo form carries %v, want %v", sudoForm.values, want)
	}
	p = b.submit(p, "/sudo", map[string]string{"password": testPassword})
	wantText(t, p, http.StatusOK, "press Continue")
	again := p.form(t, "/oauth/device/authorize")
	if again.values.Get("action") != "authorize" || again.values.Get("user_code") != dev.UserCode || again.values.Get(csrfField) == "" {
		t.Fatalf("continue form %v", again.values)
	}
	if d := e.deviceCode(dev.UserCode); d.Status != "pending" {
		t.Fatalf("device %s before Continue", d.Status)
	}
	wantText(t, b.submit(p, "/oauth/device/authorize", nil), http.StatusOK, "Device authorized. You can return to your terminal.")
	d := e.deviceCode(dev.UserCode)
	s, err := e.store.OAuthSession(context.Background(), d.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if d.UserID != alice.ID || !slices.Equal(s.Scopes, []string{oauth.ScopeRead}) {
		t.Errorf("device approved by %d with %v, want %d with api:read only", d.UserID, s.Scopes, alice.ID)
	}
}

// The recovery variant of the sudo form carries the fields too.
func TestExpiredSudoKeepsFieldsWhenSwitchingToARecoveryCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	_, codes := b.enableTOTP()
	e.clock.Advance(SudoTimeout - 5*time.Minute)
	dev := e.startDevice("api:read")
	p := b.get("/oauth/device/authorize?user_code=" + dev.UserCode)
	e.clock.Advance(5 * time.Minute)
	p = b.submit(p, "/oauth/device/authorize", map[string]string{"action": "deny"})
	p = b.submit(p, "/sudo/recovery", nil) // "Use a recovery code instead"
	if v := p.form(t, "/sudo/recovery").values; v.Get("carry.action") != "deny" || v.Get("carry.user_code") != dev.UserCode {
		t.Fatalf("recovery form carries %v", v)
	}
	p = b.submit(p, "/sudo/recovery", map[string]string{"code": codes[1]})
	wantText(t, b.submit(p, "/oauth/device/authorize", nil), http.StatusOK, "Request denied.")
	if d := e.deviceCode(dev.UserCode); d.Status != "denied" {
		t.Errorf("device %s, want denied", d.Status)
	}
}

func equalValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
