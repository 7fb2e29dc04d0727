//go:build unix

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hexship/ship/internal/browsertest"
	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/twofactor"
)

// The stories of this file are the device login as a person lives it: a
// real Chromium on shipyard's own pages for the human part, the Hex API
// over HTTP for the device's part, one whole registry (API, website,
// repository) on a real SQLite file in between. The registry's clock is
// a fake started at the wall clock, so the test can compute the codes an
// authenticator app would show and move past a code's 30 s step.

// site is a whole registry (see shipyardtest) on a loopback port.
type site struct {
	t *testing.T
	*shipyardtest.Registry
}

func newSite(t *testing.T) *site {
	t.Helper()
	return &site{t: t, Registry: shipyardtest.Start(t, shipyardtest.StartAt(time.Now().UTC()))}
}

// call sends one API request and returns the status, the
// www-authenticate header and the decoded JSON body.
func (s *site) call(method, path, contentType string, body []byte, headers ...string) (int, string, map[string]any) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	json.Unmarshal(data, &v)
	return resp.StatusCode, resp.Header.Get("www-authenticate"), v
}

// device starts a device login as ship does.
func (s *site) device() map[string]any {
	s.t.Helper()
	form := url.Values{"client_id": {oauth.ShipClientID}, "scope": {"api repositories"}, "name": {"ci-laptop"}}
	status, _, d := s.call("POST", "/api/oauth/device_authorization", "application/x-www-form-urlencoded", []byte(form.Encode()))
	if status != http.StatusOK {
		s.t.Fatalf("device_authorization: %d %v", status, d)
	}
	return d
}

// collect polls the token endpoint once, after the interval.
func (s *site) collect(d map[string]any) map[string]any {
	s.t.Helper()
	s.Clock.Advance(oauth.PollInterval)
	form := url.Values{"grant_type": {oauth.GrantDeviceCode}, "client_id": {oauth.ShipClientID}, "device_code": {d["device_code"].(string)}}
	status, _, tok := s.call("POST", "/api/oauth/token", "application/x-www-form-urlencoded", []byte(form.Encode()))
	if status != http.StatusOK {
		s.t.Fatalf("token: %d %v", status, tok)
	}
	return tok
}

// signUp creates an account in the browser.
func signUp(t *testing.T, ctx context.Context, s *site, name string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/signup"),
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("email"), name+"@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery staple"),
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if err != nil {
		t.Fatalf("sign up: %v", err)
	}
}

// openApproval follows the verification link in the browser, as a person
// who clicked it or scanned its QR code does, and confirms the code.
func openApproval(t *testing.T, ctx context.Context, d map[string]any) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(d["verification_uri_complete"].(string)),
		chromedp.Click(chromedp.CSS(`form[action="/oauth/device"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[value=authorize]`)),
	)
	if err != nil {
		t.Fatalf("open the approval page: %v", err)
	}
}

// authorize clicks "Authorize" and waits for the result page.
func authorize(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value=authorize]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`button[value=authorize]`)),
	)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "Device authorized") {
		t.Fatalf("result page says %q (%v)", text, err)
	}
}

func isDisabled(t *testing.T, ctx context.Context, scope string) bool {
	t.Helper()
	off, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[value="`+scope+`"]').disabled`))
	if err != nil {
		t.Fatalf("scope %s on the approval page: %v", scope, err)
	}
	return off
}

func TestBrowserLoginWith2FAThenPublishNeedsCode(t *testing.T) {
	ctx := browsertest.New(t)
	s := newSite(t)
	signUp(t, ctx, s, "ada")

	// Enrol TOTP from the key the page shows, as a person typing it into
	// an authenticator app would.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/dashboard/security/totp"), chromedp.WaitVisible(chromedp.ID("totp-secret"))); err != nil {
		t.Fatal(err)
	}
	key, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("totp-secret")))
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.ReplaceAll(key, " ", "")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("code"), s.Code(t, secret, 0)),
		chromedp.Click(chromedp.CSS(`form[action="/dashboard/security/totp"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("recovery-codes")),
	)
	if err != nil {
		t.Fatalf("enrol: %v", err)
	}

	// The device asks; the person approves with write access.
	d := s.device()
	openApproval(t, ctx, d)
	if isDisabled(t, ctx, oauth.ScopeWrite) {
		t.Fatal("api:write is disabled for an account with 2FA")
	}
	// Tick it, unless the page already did.
	ticked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[value="api:write"]').checked`))
	if err != nil {
		t.Fatal(err)
	}
	if !ticked {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[value="api:write"]`))); err != nil {
			t.Fatal(err)
		}
	}
	authorize(t, ctx)
	tok := s.collect(d)
	if sc, _ := tok["scope"].(string); !strings.HasPrefix(sc, "api:read api:write") {
		t.Errorf("granted scope %q, want api:read and api:write", sc)
	}
	bearer := "Bearer " + tok["access_token"].(string)

	pkg, err := newTarball("browser_pkg", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	publish := func(headers ...string) (int, string, map[string]any) {
		return s.call("POST", "/api/publish", "application/octet-stream", pkg.body, append([]string{"Authorization", bearer}, headers...)...)
	}
	if status, challenge, _ := publish(); status != http.StatusUnauthorized || challenge != `Bearer realm="hex", error="totp_required"` {
		t.Fatalf("publish without a code: %d %q", status, challenge)
	}
	// The enrolment used this step's code; a code is never accepted twice
	// by different parties, so the next one is needed.
	s.Clock.Advance(twofactor.Period)
	wrong := "000000"
	if s.Code(t, secret, 0) == wrong {
		wrong = "111111"
	}
	if status, challenge, _ := publish("x-hex-otp", wrong); status != http.StatusUnauthorized || challenge != `Bearer realm="hex", error="invalid_totp"` {
		t.Fatalf("publish with a wrong code: %d %q", status, challenge)
	}
	if status, _, body := publish("x-hex-otp", s.Code(t, secret, 0)); status != http.StatusCreated {
		t.Fatalf("publish with the code: %d %v", status, body)
	}
	if status, _, body := s.call("GET", "/api/packages/browser_pkg", "", nil); status != http.StatusOK {
		t.Fatalf("the package after publishing: %d %v", status, body)
	}
}

func TestBrowserLoginWithout2FAIsReadOnly(t *testing.T) {
	ctx := browsertest.New(t)
	s := newSite(t)
	signUp(t, ctx, s, "bob")
	d := s.device()
	openApproval(t, ctx, d)
	if !isDisabled(t, ctx, oauth.ScopeWrite) {
		t.Fatal("api:write can be chosen by an account without 2FA")
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "Authorize only if you started this login yourself") {
		t.Errorf("the approval page does not warn to approve only one's own code: %q (%v)", text, err)
	}
	authorize(t, ctx)
	tok := s.collect(d)
	if strings.Contains(tok["scope"].(string), "write") {
		t.Fatalf("granted scope %q to an account without 2FA", tok["scope"])
	}
	bearer := "Bearer " + tok["access_token"].(string)
	if status, _, me := s.call("GET", "/api/users/me", "", nil, "Authorization", bearer); status != http.StatusOK || me["username"] != "bob" {
		t.Fatalf("users/me with the read-only token: %d %v", status, me)
	}
	pkg, err := newTarball("readonly_pkg", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := s.call("POST", "/api/publish", "application/octet-stream", pkg.body, "Authorization", bearer, "x-hex-otp", "123456")
	if status != http.StatusUnauthorized || body["message"] != "key not authorized for this action" {
		t.Fatalf("publish with a read-only token: %d %v", status, body)
	}
}
