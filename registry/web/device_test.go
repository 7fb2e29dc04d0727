package web

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

func TestDevicePageNeedsSignInAndComesBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	dev := e.startDevice("api:read")
	b := e.browser()
	p := b.get("/oauth/device?user_code=" + dev.UserCode)
	wantRedirect(t, p, "/login?return=%2Foauth%2Fdevice%3Fuser_code%3D"+dev.UserCode)
	p = b.submit(b.get(p.location()), "/login", map[string]string{"login": "alice", "password": testPassword})
	wantRedirect(t, p, "/oauth/device?user_code="+dev.UserCode)
	p = b.get(p.location())
	wantText(t, p, http.StatusOK, "Only enter a code that you started yourself, on a device you control.")
	if got := p.form(t, "/oauth/device").values.Get("user_code"); got != oauth.FormatUserCode(dev.UserCode) {
		t.Errorf("code field holds %q, want %q", got, oauth.FormatUserCode(dev.UserCode))
	}
}

func TestDeviceCodeNormalisedFromAnyCaseAndHyphen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	dev := e.startDevice("api:read")
	typed := strings.ToLower(oauth.FormatUserCode(dev.UserCode)) // "abcd-efgh"
	// Prefilled from the link, in the form people read.
	p := b.get("/oauth/device?user_code=" + typed)
	if got := p.form(t, "/oauth/device").values.Get("user_code"); got != oauth.FormatUserCode(dev.UserCode) {
		t.Errorf("code field holds %q", got)
	}
	for _, in := range []string{typed, " " + strings.ToLower(dev.UserCode) + " ", dev.UserCode[:4] + " " + dev.UserCode[4:]} {
		wantRedirect(t, b.submit(p, "/oauth/device", map[string]string{"user_code": in}), "/oauth/device/authorize?user_code="+dev.UserCode)
	}
	// The approval page takes the code in any form too.
	wantText(t, b.get("/oauth/device/authorize?user_code="+typed), http.StatusOK, "Authorize ship")
}

func TestDeviceCodeErrorsInWords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	form := b.get("/oauth/device")
	wantText(t, b.submit(form, "/oauth/device", map[string]string{"user_code": "BCDF-GHJK"}), http.StatusBadRequest, "Invalid verification code")
	wantText(t, b.submit(form, "/oauth/device", map[string]string{"user_code": "not a code at all"}), http.StatusBadRequest, "Invalid verification code")

	expired := e.startDevice("api:read")
	e.clock.Advance(oauth.DeviceCodeTTL)
	wantText(t, b.submit(form, "/oauth/device", map[string]string{"user_code": expired.UserCode}), http.StatusBadRequest, "Verification code has expired")

	done := e.startDevice("api:read")
	if err := e.oauth.Deny(context.Background(), done.UserCode, alice, store.KeyUse{}); err != nil {
		t.Fatal(err)
	}
	p := b.submit(form, "/oauth/device", map[string]string{"user_code": done.UserCode})
	wantText(t, p, http.StatusBadRequest, "This application has already been processed")
	wantText(t, b.get("/oauth/device/authorize?user_code="+done.UserCode), http.StatusBadRequest, "This application has already been processed")
}

func TestDeviceCodeGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	e.addUser("bob")
	alice, bob := e.browser(), e.browser()
	alice.mustLogin("alice")
	bob.mustLogin("bob")
	form := alice.get("/oauth/device")
	// Guesses through the approval page's link count too.
	for i := 0; i < DeviceUserLimit.Max; i++ {
		if i%2 == 0 {
			wantText(t, alice.submit(form, "/oauth/device", map[string]string{"user_code": "BCDF-GHJ" + string("23456789BC"[i])}), http.StatusBadRequest, "Invalid verification code")
		} else {
			wantText(t, alice.get("/oauth/device/authorize?user_code=BCDFGHJ"+string("23456789BC"[i])), http.StatusBadRequest, "Invalid verification code")
		}
	}
	// Blocked, even for a real code...
	dev := e.startDevice("api:read")
	msg := "Too many verification attempts. Please wait 15 minutes and try again."
	wantText(t, alice.submit(form, "/oauth/device", map[string]string{"user_code": dev.UserCode}), http.StatusTooManyRequests, msg)
	wantText(t, alice.get("/oauth/device/authorize?user_code="+dev.UserCode), http.StatusTooManyRequests, msg)
	// ...but someone else at the same address may go on (until the
	// address's own limit).
	wantRedirect(t, bob.submit(bob.get("/oauth/device"), "/oauth/device", map[string]string{"user_code": dev.UserCode}),
		"/oauth/device/authorize?user_code="+dev.UserCode)

	e.clock.Advance(DeviceUserLimit.Window + time.Second)
	fresh := e.startDevice("api:read")
	wantRedirect(t, alice.submit(form, "/oauth/device", map[string]string{"user_code": fresh.UserCode}),
		"/oauth/device/authorize?user_code="+fresh.UserCode)
}

// Posting the approval form with made-up codes, whichever button (or
// none), counts the same as typing them on the code page.
func TestDeviceCodeGuessesThroughTheApprovalFormAreThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	dev := e.startDevice("api:read")
	f := b.get("/oauth/device/authorize?user_code="+dev.UserCode).form(t, "/oauth/device/authorize")
	actions := []string{"authorize", "deny", "maybe", ""}
	for i := 0; i < DeviceUserLimit.Max; i++ {
		guess := withValues(f, map[string]string{"user_code": "BCDFGHJ" + string("23456789BC"[i]), "action": actions[i%len(actions)]})
		wantText(t, b.post("/oauth/device/authorize", guess), http.StatusBadRequest, "Invalid verification code")
	}
	wantText(t, b.post("/oauth/device/authorize", withValues(f, map[string]string{"action": "authorize"})), http.StatusTooManyRequests,
		"Too many verification attempts.")
	if d := e.deviceCode(dev.UserCode); d.Status != store.DevicePending {
		t.Errorf("device %s while throttled", d.Status)
	}
}

func TestDeviceCodeGuessesAreThrottledPerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("carol")
	ctx := context.Background()
	for i := 0; i < DeviceIPLimit.Max; i++ {
		if err := e.site.Throttle.Fail(ctx, deviceIPKey("127.0.0.1")); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser()
	b.mustLogin("carol")
	dev := e.startDevice("api:read")
	wantText(t, b.submit(b.get("/oauth/device"), "/oauth/device", map[string]string{"user_code": dev.UserCode}),
		http.StatusTooManyRequests, "Too many verification attempts.")
}

// checkbox finds a scope's checkbox on the approval page.
func checkbox(t *testing.T, p *reply, scope string) map[string]string {
	t.Helper()
	for _, in := range inputRe.FindAllStringSubmatch(p.body, -1) {
		a := attrs(in[1])
		if a["type"] == "checkbox" && a["value"] == scope {
			return a
		}
	}
	t.Fatalf("no checkbox for %s:\n%s", scope, p.body)
	return nil
}

func has(a map[string]string, attr string) bool { _, ok := a[attr]; return ok }

func TestDeviceWriteScopeDisabledWithout2FA(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	dev := e.startDevice("api repositories")
	p := b.get("/oauth/device/authorize?user_code=" + dev.UserCode)
	wantText(t, p, http.StatusOK, oauth.DescribeScope(oauth.ScopeWrite))
	if read := checkbox(t, p, "api:read"); !has(read, "checked") || !has(read, "disabled") {
		t.Errorf("api:read should be checked and disabled: %v", read)
	}
	if write := checkbox(t, p, "api:write"); has(write, "checked") || !has(write, "disabled") {
		t.Errorf("api:write should be disabled and unchecked: %v", write)
	}
	if repos := checkbox(t, p, "repositories"); !has(repos, "checked") || has(repos, "disabled") {
		t.Errorf("repositories should be checked and enabled: %v", repos)
	}
	if !strings.Contains(p.text(), "Needs two-factor authentication") || !strings.Contains(p.body, `href="/dashboard/security/totp?return=`) {
		t.Error("no explanation or enrolment link beside api:write")
	}
	// A hand-made form asking for write anyway is refused.
	p = b.submit(p, "/oauth/device/authorize", map[string]string{"action": "authorize", "selected_scopes[]": "api:write"})
	wantText(t, p, http.StatusBadRequest, "Two-factor authentication is required for write access.")
	if d := e.deviceCode(dev.UserCode); d.Status != store.DevicePending {
		t.Fatalf("device %s after a refused approval", d.Status)
	}

	// With 2FA, write can be chosen, and is by default.
	b.enableTOTP()
	p = b.get("/oauth/device/authorize?user_code=" + dev.UserCode)
	if write := checkbox(t, p, "api:write"); !has(write, "checked") || has(write, "disabled") {
		t.Errorf("api:write with 2FA: %v", write)
	}
	wantText(t, b.submit(p, "/oauth/device/authorize", map[string]string{"action": "authorize"}), http.StatusOK, "Device authorized")
	d := e.deviceCode(dev.UserCode)
	s, err := e.store.OAuthSession(context.Background(), d.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"api:read", "api:write", "repositories"}; d.UserID != alice.ID || !slices.Equal(s.Scopes, want) {
		t.Errorf("granted %v to %d, want %v to %d", s.Scopes, d.UserID, want, alice.ID)
	}
}

func TestDeviceApprovalShowsTheRequestAndIssuesTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	dev := e.startDevice("api:read repositories")
	p := b.get("/oauth/device/authorize?user_code=" + dev.UserCode)
	for _, want := range []string{"Authorize ship", "192.0.2.7", "2 March 2026, 09:00 UTC", oauth.FormatUserCode(dev.UserCode)} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("approval page lacks %q", want)
		}
	}
	// The device's own name is shown as text, never as markup.
	if strings.Contains(p.body, "build box <b>") || !strings.Contains(p.body, "build box &lt;b&gt;") {
		t.Error("the device name is not escaped")
	}
	if !regexp.MustCompile(`<button type="submit" name="action" value="authorize">Authorize</button>`).MatchString(p.body) ||
		!strings.Contains(p.body, `name="action" value="deny"`) {
		t.Error("no Authorize and Deny buttons")
	}
	wantText(t, b.submit(p, "/oauth/device/authorize", map[string]string{"action": "authorize"}), http.StatusOK,
		"Device authorized. You can return to your terminal.")

	tok, err := e.oauth.Token(context.Background(), oauth.TokenRequest{GrantType: oauth.GrantDeviceCode, ClientID: oauth.ShipClientID, DeviceCode: dev.DeviceCode})
	if err != nil {
		t.Fatalf("the device's poll after approval: %v", err)
	}
	if tok.Scope != "api:read repositories" {
		t.Errorf("token scope %q", tok.Scope)
	}
	// The same code cannot be approved twice.
	wantText(t, b.submit(p, "/oauth/device/authorize", map[string]string{"action": "authorize"}), http.StatusBadRequest,
		"This application has already been processed")
}

func TestDeviceDenial(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	dev := e.startDevice("api:read")
	p := b.get("/oauth/device/authorize?user_code=" + dev.UserCode)
	wantText(t, b.submit(p, "/oauth/device/authorize", map[string]string{"action": "deny"}), http.StatusOK, "Request denied.")
	d := e.deviceCode(dev.UserCode)
	if d.Status != store.DeviceDenied || d.UserID != alice.ID {
		t.Errorf("device %s by %d", d.Status, d.UserID)
	}
	_, err := e.oauth.Token(context.Background(), oauth.TokenRequest{GrantType: oauth.GrantDeviceCode, ClientID: oauth.ShipClientID, DeviceCode: dev.DeviceCode})
	if oe, ok := err.(*oauth.Error); !ok || oe.Code != "access_denied" {
		t.Errorf("poll after denial: %v", err)
	}
	// Neither button: nothing happens.
	other := e.startDevice("api:read")
	p = b.get("/oauth/device/authorize?user_code=" + other.UserCode)
	wantText(t, b.submit(p, "/oauth/device/authorize", map[string]string{"action": "maybe"}), http.StatusBadRequest, "Choose Authorize or Deny.")
	if d := e.deviceCode(other.UserCode); d.Status != store.DevicePending {
		t.Errorf("device %s", d.Status)
	}
}

func TestDeviceApprovalNeedsSudo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	e.clock.Advance(SudoTimeout)
	dev := e.startDevice("api:read")
	p := b.get("/oauth/device/authorize?user_code=" + dev.UserCode)
	wantRedirect(t, p, "/sudo?return="+queryEscape("/oauth/device/authorize?user_code="+dev.UserCode))
	p = b.submit(b.get(p.location()), "/sudo", map[string]string{"password": testPassword})
	wantRedirect(t, p, "/oauth/device/authorize?user_code="+dev.UserCode)
	wantText(t, b.get(p.location()), http.StatusOK, "Authorize ship")
}
