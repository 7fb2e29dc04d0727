package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/hexship/ship/internal/browsertest"
	"github.com/hexship/ship/registry/oauth"
)

// TestBrowserSignupEnrolAndApproveDevice walks the pages in a real
// Chromium, with its cookies, its Sec-Fetch-Site and Origin headers and
// the Content-Security-Policy enforced: sign up, turn on 2FA with the key
// shown, and approve a device with write access. No script runs on any
// page; the browser only types and clicks.
func TestBrowserSignupEnrolAndApproveDevice(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t)
	base := e.server.URL

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/signup"),
		chromedp.SendKeys(chromedp.ID("username"), "ada"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != base+"/dashboard" {
		t.Fatalf("after sign-up the browser is at %q (%v)", loc, err)
	}
	// The stylesheet applied under the policy.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".site-header")).backgroundColor`))
	if err != nil || bg != "rgb(11, 37, 64)" {
		t.Errorf("header background %q (%v): stylesheet not applied", bg, err)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dashboard/security/totp"), chromedp.WaitVisible(chromedp.ID("totp-secret"))); err != nil {
		t.Fatal(err)
	}
	key, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("totp-secret")))
	if err != nil {
		t.Fatal(err)
	}
	// The QR code (a data: URI) is allowed by the policy and decodes.
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector("img.qr"); return i.complete && i.naturalWidth > 0 })()`)); err != nil || !ok {
		t.Errorf("QR code image not shown (%v)", err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("code"), e.code(strings.ReplaceAll(key, " ", ""))),
		chromedp.Click(chromedp.CSS(`form[action="/dashboard/security/totp"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("recovery-codes")),
	)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#recovery-codes li").length`))
	if err != nil || codes != 10 {
		t.Errorf("%d recovery codes shown (%v)", codes, err)
	}

	dev := e.startDevice("api repositories")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/oauth/device?user_code="+strings.ToLower(oauth.FormatUserCode(dev.UserCode))),
		chromedp.Click(chromedp.CSS(`form[action="/oauth/device"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[value=authorize]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	writeOff, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[value="api:write"]').disabled`))
	if err != nil || writeOff {
		t.Errorf("api:write disabled for an account with 2FA (%v)", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value=authorize]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`button[value=authorize]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "Device authorized. You can return to your terminal.") {
		t.Errorf("result page says %q (%v)", text, err)
	}
	if d := e.deviceCode(dev.UserCode); d.Status != "authorized" {
		t.Errorf("device %s", d.Status)
	}
}
