package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

func TestSignupSignsInAtOnceThenLogoutAndLoginAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	wantRedirect(t, b.signup("alice"), "/dashboard")
	wantText(t, b.get("/dashboard"), http.StatusOK, "alice@example.com")

	wantRedirect(t, b.submit(b.get("/dashboard"), "/logout", nil), "/")
	wantRedirect(t, b.get("/dashboard"), "/login?return=%2Fdashboard")

	// By name, in another case, and by email.
	b.mustLogin("ALICE")
	b.submit(b.get("/dashboard"), "/logout", nil)
	b.mustLogin("alice@example.com")
	wantText(t, b.get("/dashboard"), http.StatusOK, "alice@example.com")

	u, err := e.store.UserByName(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"signup", "login", "logout", "login", "logout", "login"}
	if got := e.events(u.ID); !slices.Equal(got, want) {
		t.Errorf("security log %v, want %v", got, want)
	}
}

func TestSignupAppliesAccountRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("taken")
	b := e.browser()
	for _, c := range []struct {
		username, email, password string
		status                    int
		want                      string
	}{
		{"al", "al@example.com", testPassword, http.StatusBadRequest, "must be 3 to 40 characters"},
		{"al ice", "al@example.com", testPassword, http.StatusBadRequest, "may contain only letters"},
		{"alice", "not an address", testPassword, http.StatusBadRequest, "is not an email address"},
		{"alice", "alice@example.com", "short", http.StatusBadRequest, "shorter than 8 characters"},
		{"alice", "alice@example.com", strings.Repeat("x", 73), http.StatusBadRequest, "longer than 72 bytes"},
		{"TAKEN", "new@example.com", testPassword, http.StatusConflict, "already taken"},
		{"newname", "taken@example.com", testPassword, http.StatusConflict, "already taken"},
	} {
		p := b.submit(b.get("/signup"), "/signup", map[string]string{"username": c.username, "email": c.email, "password": c.password})
		wantText(t, p, c.status, c.want)
		// What was typed stays, but the password.
		if f := p.form(t, "/signup"); f.values.Get("username") != c.username || f.values.Get("password") != "" {
			t.Errorf("form after refusal keeps %v", f.values)
		}
	}
	wantRedirect(t, b.get("/dashboard"), "/login?return=%2Fdashboard")
}

func TestSignupClosedSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *Site) { s.SignupOpen = false })
	b := e.browser()
	wantText(t, b.get("/signup"), http.StatusNotFound, "Sign-up is closed")
	// Even a hand-made form creates nothing.
	login := b.get("/login")
	if strings.Contains(login.body, `href="/signup`) {
		t.Error("the sign-in page links to a closed sign-up")
	}
	values := login.form(t, "/login").values
	values.Set("username", "mallory")
	values.Set("email", "mallory@example.com")
	values.Set("password", testPassword)
	wantText(t, b.post("/signup", values), http.StatusNotFound, "Sign-up is closed")
	if _, err := e.store.UserByName(context.Background(), "mallory"); err == nil {
		t.Error("an account was created while sign-up is closed")
	}
}

func TestLoginWrongPasswordAndUnknownUserLookAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice := e.addUser("alice")
	// An account made by `shipyard user add` without a password.
	nopw := &store.User{Username: "keyonly", Email: "keyonly@example.com"}
	ctx := context.Background()
	if err := e.store.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, nopw) }); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	var errors []string
	for _, ident := range []string{"alice", "nobody", "nobody@example.com", "keyonly"} {
		p := b.login(ident, "wrong password")
		wantText(t, p, http.StatusUnauthorized, "Invalid username, email or password.")
		errors = append(errors, alertOf(p))
	}
	for _, e := range errors[1:] {
		if e != errors[0] {
			t.Errorf("messages differ: %q vs %q", e, errors[0])
		}
	}
	wantRedirect(t, b.get("/dashboard"), "/login?return=%2Fdashboard")
	if got := e.events(alice.ID); !slices.Equal(got, []string{"login_failed"}) {
		t.Errorf("alice's log %v, want one login_failed", got)
	}
}

// alertOf is the text of a page's error box.
func alertOf(p *reply) string {
	_, after, _ := strings.Cut(p.text(), `class="alert error"`)
	before, _, _ := strings.Cut(after, "</div>")
	return before
}

func TestLoginThrottlePerAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	e.addUser("bob")
	b := e.browser()
	for i := 0; i < LoginAccountLimit.Max; i++ {
		wantText(t, b.login("alice", "guess"), http.StatusUnauthorized, msgBadLogin)
	}
	// Now even the right password is refused, also by email...
	wantText(t, b.login("alice", testPassword), http.StatusTooManyRequests, "Too many failed attempts. Please wait 15 minutes and try again.")
	wantText(t, b.login("alice@example.com", testPassword), http.StatusTooManyRequests, "Too many failed attempts.")
	// ...but the address is not blocked for other accounts.
	b.mustLogin("bob")

	e.clock.Advance(LoginAccountLimit.Window + time.Second)
	e.browser().mustLogin("alice")
}

func TestLoginThrottleForUnknownNamesLooksTheSame(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	for i := 0; i < LoginAccountLimit.Max; i++ {
		wantText(t, b.login("nobody", "guess"), http.StatusUnauthorized, msgBadLogin)
	}
	wantText(t, b.login("NoBody", "guess"), http.StatusTooManyRequests, "Too many failed attempts.")
}

func TestLoginThrottlePerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("bob")
	// Failures from this address under many names (as a sign-in would
	// record them), one short of the limit...
	ctx := context.Background()
	for i := 0; i < LoginIPLimit.Max-1; i++ {
		if err := e.site.Throttle.Fail(ctx, loginIPKey("127.0.0.1")); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser()
	// ...and one more through the form.
	wantText(t, b.login("someone", "guess"), http.StatusUnauthorized, msgBadLogin)
	wantText(t, b.login("bob", testPassword), http.StatusTooManyRequests, "Too many failed attempts. Please wait 15 minutes and try again.")

	e.clock.Advance(LoginIPLimit.Window + time.Second)
	b.mustLogin("bob")
}

func TestLoginReturnsOnlyToLocalPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	for ret, want := range map[string]string{
		"/oauth/device?user_code=ABCD-EFGH": "/oauth/device?user_code=ABCD-EFGH",
		"//evil.example/":                   "/dashboard",
		"/\\evil.example":                   "/dashboard",
		"https://evil.example/":             "/dashboard",
		"javascript:alert(1)":               "/dashboard",
	} {
		b := e.browser()
		p := b.get("/login?return=" + queryEscape(ret))
		p = b.submit(p, "/login", map[string]string{"login": "alice", "password": testPassword})
		wantRedirect(t, p, want)
	}
}

func TestSessionCookieIsHashedInTheStoreAndExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	p := b.login("alice", testPassword)
	var c *http.Cookie
	for _, k := range (&http.Response{Header: p.header}).Cookies() {
		if k.Name == sessionCookie {
			c = k
		}
	}
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != 14*24*3600 {
		t.Errorf("cookie %+v", c)
	}
	ctx := context.Background()
	if _, err := e.store.WebSessionByLookup(ctx, c.Value); err == nil {
		t.Error("the store finds the session by the cookie in clear")
	}
	if _, err := e.store.WebSessionByLookup(ctx, sessionLookup(c.Value)); err != nil {
		t.Errorf("no session under the cookie's hash: %v", err)
	}
	e.clock.Advance(SessionTTL - 1)
	wantText(t, b.get("/dashboard"), http.StatusOK, "alice")
	e.clock.Advance(1)
	wantRedirect(t, b.get("/dashboard"), "/login?return=%2Fdashboard")
}

func TestSecureCookiesBehindHTTPS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s *Site) { s.PublicURL = "https://registry.test" })
	e.addUser("alice")
	p := e.browser().login("alice", testPassword)
	cookies := (&http.Response{Header: p.header}).Cookies()
	if len(cookies) == 0 {
		t.Fatal("no cookies")
	}
	for _, c := range cookies {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure", c.Name)
		}
	}
}

func TestEveryPageSendsSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	anon, signed := e.browser(), e.browser()
	signed.mustLogin("alice")
	for _, c := range []struct {
		b    *browser
		path string
	}{{anon, "/"}, {anon, "/login"}, {anon, "/signup"}, {signed, "/dashboard"}, {signed, "/dashboard/security"}, {signed, "/oauth/device"}} {
		p := c.b.get(c.path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: status %d", c.path, p.status)
		}
		h := p.header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", c.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(p.body, "<script") {
			t.Errorf("%s: inline script allowed or used", c.path)
		}
		for k, want := range map[string]string{
			"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff",
			"Cache-Control": "no-store", "Content-Type": "text/html; charset=utf-8",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", c.path, k, got, want)
			}
		}
		if !strings.Contains(p.body, `name="viewport"`) || !strings.Contains(p.body, `href="/static/site.css"`) {
			t.Errorf("%s: no viewport or stylesheet", c.path)
		}
	}
	css := anon.get("/static/site.css")
	if css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: status %d, type %q", css.status, css.header.Get("Content-Type"))
	}
}

// Every input a person fills in has a label.
func TestEveryInputHasALabel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	pages := []*reply{b.get("/login"), b.get("/signup")}
	b.mustLogin("alice")
	pages = append(pages, b.get("/dashboard/security"), b.get("/oauth/device"), b.get("/dashboard/security/totp"), b.get("/sudo"))
	dev := e.startDevice("api repositories")
	pages = append(pages, b.get("/oauth/device/authorize?user_code="+dev.UserCode))
	for _, p := range pages {
		if p.status != http.StatusOK {
			t.Fatalf("%s: status %d", p.path, p.status)
		}
		for _, in := range inputRe.FindAllStringSubmatch(p.body, -1) {
			a := attrs(in[1])
			_, hidden := a["hidden"]
			if a["type"] == "hidden" || hidden {
				continue
			}
			if a["id"] == "" || !strings.Contains(p.body, `<label for="`+a["id"]+`"`) {
				t.Errorf("%s: input %q has no label", p.path, in[0])
			}
		}
	}
}

func TestSignupThrottlePerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < SignupIPLimit.Max-1; i++ {
		if err := e.site.Throttle.Fail(ctx, signupIPKey("127.0.0.1")); err != nil {
			t.Fatal(err)
		}
	}
	e.browser().signup("last")
	b := e.browser()
	p := b.submit(b.get("/signup"), "/signup", map[string]string{
		"username": "onetoomany", "email": "onetoomany@example.com", "password": testPassword,
	})
	wantText(t, p, http.StatusTooManyRequests, "Too many accounts were created from your address.")
	if _, err := e.store.UserByName(ctx, "onetoomany"); err == nil {
		t.Error("the account was created")
	}
}

func TestPendingSecondFactorExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	secret, _ := b.enableTOTP()
	b.submit(b.get("/dashboard"), "/logout", nil)
	wantRedirect(t, b.login("alice", testPassword), "/login/2fa")
	form := b.get("/login/2fa")
	e.clock.Advance(PendingTTL)
	// The form's token died with the session; reloading starts over.
	wantText(t, b.submit(form, "/login/2fa", map[string]string{"code": e.code(secret)}), http.StatusForbidden, "This form has expired")
	wantRedirect(t, b.get("/login/2fa"), "/login")
	wantRedirect(t, b.get("/dashboard"), "/login?return=%2Fdashboard")
}
