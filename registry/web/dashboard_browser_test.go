package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hexship/ship/internal/browsertest"
	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/web"
)

// The stories of this file run the whole registry (API, website,
// repository on one SQLite file), so that what the dashboard does is
// checked where it matters: on the API that keys and device tokens are
// used with.

const dashPassword = "correct horse battery staple"

var (
	dashCSRFRe   = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	dashSecretRe = regexp.MustCompile(`id="key-secret"[^>]*>([0-9a-f]+)<`)
)

// dashPost posts a form with the CSRF token of the page at from, as a
// browser without script would, and returns the status and body.
func dashPost(t *testing.T, c *http.Client, base, from, action string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.Get(base + from)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := dashCSRFRe.FindStringSubmatch(string(page))
	if m == nil {
		t.Fatalf("%s (status %d) has no form:\n%s", from, resp.StatusCode, page)
	}
	form.Set("csrf_token", html.UnescapeString(m[1]))
	resp, err = c.PostForm(base+action, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestKeyMadeOnTheWebsiteWorksOnTheAPIAtOnce(t *testing.T) {
	t.Parallel()
	r := shipyardtest.Start(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	if status, body := dashPost(t, c, r.URL, "/signup", "/signup", url.Values{"username": {"ada"}, "email": {"ada@example.com"}, "password": {dashPassword}}); status != http.StatusOK || !strings.Contains(body, "Dashboard") {
		t.Fatalf("sign-up: %d\n%s", status, body)
	}
	status, body := dashPost(t, c, r.URL, "/dashboard/keys", "/dashboard/keys", url.Values{"name": {"ci"}, "permission": {"api:read"}})
	m := dashSecretRe.FindStringSubmatch(body)
	if status != http.StatusCreated || m == nil {
		t.Fatalf("create key: %d\n%s", status, body)
	}
	if got := r.WhoAmI(t, m[1]); got != "ada" {
		t.Fatalf("the new key authenticates as %q, want ada", got)
	}
	// Revoked (the sign-up's confirmation is still fresh): refused at once.
	if status, body := dashPost(t, c, r.URL, "/dashboard/keys", "/dashboard/keys/revoke", url.Values{"name": {"ci"}}); status != http.StatusOK || !strings.Contains(body, "The key was revoked") {
		t.Fatalf("revoke: %d\n%s", status, body)
	}
	if got := r.WhoAmI(t, m[1]); got != "" {
		t.Fatalf("the revoked key still authenticates as %q", got)
	}
}

// TestBrowserDashboardKeysAndDevices creates and revokes an API key and
// logs a device out in a real Chromium, through sudo mode, and checks
// the API's answer after each step.
func TestBrowserDashboardKeysAndDevices(t *testing.T) {
	ctx := browsertest.New(t)
	r := shipyardtest.Start(t, shipyardtest.StartAt(time.Now().UTC()))
	err := chromedp.Do(ctx,
		chromedp.Navigate(r.URL+"/signup"),
		chromedp.SendKeys(chromedp.ID("username"), "ada"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), dashPassword),
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if err != nil {
		t.Fatalf("sign up: %v", err)
	}
	bg := context.Background()
	ada, err := r.Backends.Store.UserByName(bg, "ada")
	if err != nil {
		t.Fatal(err)
	}
	// A package of hers, as a publish would leave it, for the list.
	err = r.Backends.Store.Update(bg, func(tx store.Tx) error {
		p := &store.Package{Name: "ada_lovelace", Meta: store.PackageMeta{Description: "Notes on the Analytical Engine."}}
		if err := tx.CreatePackage(bg, p); err != nil {
			return err
		}
		return tx.SetOwner(bg, p.ID, ada.ID, store.LevelFull)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`a[href="/packages/ada_lovelace"]`))); err != nil {
		t.Fatalf("the dashboard lists the package: %v", err)
	}
	browsertest.Screenshot(t, ctx, "dashboard")

	// Create a key: the secret is shown once and works on the API.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.dash-nav a[href="/dashboard/keys"]`)),
		chromedp.WaitVisible(chromedp.ID("key-name")),
		chromedp.SendKeys(chromedp.ID("key-name"), "laptop"),
		chromedp.Click(chromedp.ID("perm-write")),
		chromedp.Click(chromedp.CSS(`form[action="/dashboard/keys"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("key-secret")),
	)
	if err != nil {
		t.Fatalf("create a key: %v", err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("key-secret")))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.WhoAmI(t, secret); got != "ada" {
		t.Fatalf("the key shown authenticates as %q", got)
	}
	browsertest.Screenshot(t, ctx, "dashboard-keys")
	if !strings.Contains(browsertest.MainText(t, ctx), "api:read, api:write") {
		t.Errorf("the key list does not show the permissions:\n%s", browsertest.MainText(t, ctx))
	}

	// Revoke it after the 30 s a destructive action allows: sudo asks for
	// the password, then Continue sends the revocation.
	r.Clock.Advance(web.SudoForceTimeout)
	err = chromedp.Do(ctx,
		chromedp.Navigate(r.URL+"/dashboard/keys"),
		chromedp.Click(chromedp.CSS(`form[action="/dashboard/keys/revoke"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("password")),
	)
	if err != nil {
		t.Fatalf("revoke asks for sudo: %v", err)
	}
	if got := r.WhoAmI(t, secret); got != "ada" {
		t.Fatal("the key was revoked before the confirmation")
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("password"), dashPassword),
		chromedp.Click(chromedp.CSS(`form[action="/sudo"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/dashboard/keys/revoke"] button[type=submit]`)),
		chromedp.Click(chromedp.CSS(`form[action="/dashboard/keys/revoke"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert.notice`)),
	)
	if err != nil {
		t.Fatalf("confirm and revoke: %v", err)
	}
	if text := browsertest.MainText(t, ctx); !strings.Contains(text, "The key was revoked") || !strings.Contains(text, "You have no API keys") {
		t.Errorf("after revoking, the page says:\n%s", text)
	}
	if got := r.WhoAmI(t, secret); got != "" {
		t.Fatalf("the revoked key still authenticates as %q", got)
	}

	// A device logs in; the person logs it out from the website.
	o := r.OAuth(t)
	dev, err := o.DeviceAuthorization(bg, oauth.DeviceRequest{ClientID: oauth.ShipClientID, Scope: "api:read", Name: "ci-laptop", IP: "192.0.2.7", UserAgent: "ship/0.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Approve(bg, dev.UserCode, ada, []string{"api:read"}, store.KeyUse{At: r.Clock.Now(), IP: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	tok, err := o.Token(bg, oauth.TokenRequest{GrantType: oauth.GrantDeviceCode, ClientID: oauth.ShipClientID, DeviceCode: dev.DeviceCode})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.WhoAmI(t, "Bearer "+tok.AccessToken); got != "ada" {
		t.Fatalf("the device's token authenticates as %q", got)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(r.URL+"/dashboard/sessions"),
		chromedp.WaitVisible(chromedp.CSS(`.session`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if text := browsertest.MainText(t, ctx); !strings.Contains(text, "ci-laptop") || !strings.Contains(text, "api:read") {
		t.Errorf("the devices page says:\n%s", text)
	}
	browsertest.Screenshot(t, ctx, "dashboard-devices")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/dashboard/sessions/revoke"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.alert.notice`)),
	)
	if err != nil {
		t.Fatalf("log the device out: %v", err)
	}
	if text := browsertest.MainText(t, ctx); !strings.Contains(text, "No device is logged in") {
		t.Errorf("after logging out, the page says:\n%s", text)
	}
	if got := r.WhoAmI(t, "Bearer "+tok.AccessToken); got != "" {
		t.Fatal("the device's access token still works")
	}
	if _, err := o.Token(bg, oauth.TokenRequest{GrantType: oauth.GrantRefreshToken, ClientID: oauth.ShipClientID, RefreshToken: tok.RefreshToken}); err == nil {
		t.Fatal("the device's refresh token still works")
	}

	// The log tells the story.
	if err := chromedp.Do(ctx, chromedp.Navigate(r.URL+"/dashboard/log"), chromedp.WaitVisible(chromedp.CSS("table.log"))); err != nil {
		t.Fatal(err)
	}
	text := browsertest.MainText(t, ctx)
	for _, want := range []string{"API key created", "API key revoked", "Device authorized", "Device logged out", "Confirmed identity"} {
		if !strings.Contains(text, want) {
			t.Errorf("the security log lacks %q:\n%s", want, text)
		}
	}
	browsertest.Screenshot(t, ctx, "dashboard-log")
}
