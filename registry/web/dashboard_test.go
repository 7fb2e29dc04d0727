package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

// newDashEnv is a website whose dashboard can make API keys: the key
// hasher and repository name the server wires in.
func newDashEnv(t *testing.T) *env {
	t.Helper()
	return newEnv(t, func(s *Site) {
		keys, err := apikey.NewHasher(s.Secret)
		if err != nil {
			t.Fatal(err)
		}
		s.Keys, s.RepoName = keys, "shipyard"
	})
}

// addPackage creates a package owned by the given users at the given
// levels.
func (e *env) addPackage(name string, owners map[*store.User]store.OwnerLevel) {
	e.t.Helper()
	ctx := context.Background()
	err := e.store.Update(ctx, func(tx store.Tx) error {
		p := &store.Package{Name: name, Meta: store.PackageMeta{Description: "The " + name + " package."}}
		if err := tx.CreatePackage(ctx, p); err != nil {
			return err
		}
		for u, level := range owners {
			if err := tx.SetOwner(ctx, p.ID, u.ID, level); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

var keySecretRe = regexp.MustCompile(`id="key-secret"[^>]*>([0-9a-f]+)<`)

// createKey fills the key form and returns the page and the secret it
// shows ("" when none).
func (b *browser) createKey(name string, perms ...string) (*reply, string) {
	b.t.Helper()
	f := b.get("/dashboard/keys").form(b.t, "/dashboard/keys")
	values := url.Values{csrfField: f.values[csrfField], "name": {name}, "permission": perms}
	p := b.post("/dashboard/keys", values)
	if m := keySecretRe.FindStringSubmatch(p.body); m != nil {
		return p, m[1]
	}
	return p, ""
}

func TestDashboardShowsProfileAndOwnedPackages(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := &store.User{Username: "alice", Email: "alice@example.com", FullName: "Alice Liddell", PasswordHash: passwordHash(t)}
	ctx := context.Background()
	if err := e.store.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, alice) }); err != nil {
		t.Fatal(err)
	}
	bob := e.addUser("bob")
	e.addPackage("rabbit_hole", map[*store.User]store.OwnerLevel{alice: store.LevelFull})
	e.addPackage("tea_party", map[*store.User]store.OwnerLevel{bob: store.LevelFull, alice: store.LevelMaintainer})
	e.addPackage("bobs_own", map[*store.User]store.OwnerLevel{bob: store.LevelFull})
	b := e.browser()
	b.mustLogin("alice")
	p := b.get("/dashboard")
	for _, want := range []string{"alice", "alice@example.com", "Alice Liddell", "Member since", "The rabbit_hole package."} {
		wantText(t, p, http.StatusOK, want)
	}
	for _, want := range []string{`<a href="/packages/rabbit_hole">rabbit_hole</a> <span class="level">owner</span>`,
		`<a href="/packages/tea_party">tea_party</a> <span class="level">maintainer</span>`,
		`href="/dashboard/keys"`, `href="/dashboard/sessions"`, `href="/dashboard/log"`, `href="/dashboard/security"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	if strings.Contains(p.body, "bobs_own") {
		t.Error("the dashboard lists a package alice does not own")
	}
	b2 := e.browser()
	b2.mustLogin("bob")
	if p := b2.get("/dashboard"); !strings.Contains(p.body, "bobs_own") || strings.Contains(p.body, "rabbit_hole") {
		t.Errorf("bob's dashboard:\n%s", p.body)
	}
}

func TestKeyIsShownOnceAndOnlyItsHashIsStored(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	wantText(t, b.get("/dashboard/keys"), http.StatusOK, "You have no API keys")

	p, secret := b.createKey("ci for my_app", "api:read", "api:write")
	if p.status != http.StatusCreated || !apikey.LooksLikeSecret(secret) {
		t.Fatalf("create: status %d, secret %q:\n%s", p.status, secret, p.body)
	}
	wantText(t, p, http.StatusCreated, "shown only this once")
	key, err := e.store.KeyByName(context.Background(), alice.ID, "ci for my_app")
	if err != nil {
		t.Fatal(err)
	}
	lookup, _ := e.site.Keys.Hash(secret)
	if key.Lookup != lookup || !e.site.Keys.Matches(secret, key.Verify) {
		t.Error("the stored key is not the keyed hash of the secret shown")
	}
	if strings.Contains(key.Lookup+key.Verify, secret) {
		t.Error("the store holds the secret")
	}
	if got := []store.Permission{{Domain: "api", Resource: "read"}, {Domain: "api", Resource: "write"}}; !slices.Equal(key.Permissions, got) {
		t.Errorf("permissions %v, want %v", key.Permissions, got)
	}
	// The list shows it, never its secret again.
	list := b.get("/dashboard/keys")
	wantText(t, list, http.StatusOK, "ci for my_app")
	for _, want := range []string{"<code>api:read</code>, <code>api:write</code>", "Never"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("key list lacks %s", want)
		}
	}
	if strings.Contains(list.body, secret) {
		t.Error("the list shows the secret again")
	}
	// Its last use, once the API recorded one.
	at := e.clock.Now().Add(time.Minute)
	ctx := context.Background()
	err = e.store.Update(ctx, func(tx store.Tx) error {
		return tx.TouchKey(ctx, key.ID, store.KeyUse{At: at, IP: "198.51.100.4", UserAgent: "Hex/2.1.1 (Elixir/1.17.2) (OTP/27.0)"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := b.get("/dashboard/keys"); !strings.Contains(p.body, "2 March 2026, 09:01 UTC</time> from 198.51.100.4 (Hex/2.1.1)") {
		t.Errorf("the key's last use is not shown:\n%s", p.body)
	}
	if got := e.events(alice.ID); !slices.Contains(got, "key_created") {
		t.Errorf("security log %v", got)
	}
	// The same name again is refused while the key lives.
	p, again := b.createKey("ci for my_app", "api:read")
	wantText(t, p, http.StatusConflict, "You already have a key named ci for my_app")
	if again != "" {
		t.Error("a refused key showed a secret")
	}
}

func TestKeyPermissionsFollowOwnership(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := e.addUser("alice")
	bob := e.addUser("bob")
	e.addPackage("alices_lib", map[*store.User]store.OwnerLevel{alice: store.LevelMaintainer})
	e.addPackage("bobs_lib", map[*store.User]store.OwnerLevel{bob: store.LevelFull})
	b := e.browser()
	b.mustLogin("alice")
	form := b.get("/dashboard/keys")
	if !strings.Contains(form.body, `value="package:alices_lib"`) || strings.Contains(form.body, "bobs_lib") {
		t.Errorf("the form offers other package permissions than alice's:\n%s", form.body)
	}

	// A package she does not own, posted by hand: refused, nothing made.
	p, secret := b.createKey("sneaky", "package:bobs_lib")
	wantText(t, p, http.StatusBadRequest, "You do not own a package named bobs_lib")
	if secret != "" {
		t.Error("a refused key showed a secret")
	}
	for _, bad := range [][]string{{"repositories"}, {"api:admin"}, {}, {"package:"}} {
		p, _ := b.createKey("bad", bad...)
		if p.status != http.StatusBadRequest {
			t.Errorf("permissions %q: status %d", bad, p.status)
		}
	}
	wantText(t, p, http.StatusBadRequest, `value="sneaky"`) // the name typed is kept
	if _, err := e.store.KeyByName(context.Background(), alice.ID, "sneaky"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused key was stored: %v", err)
	}
	p, _ = b.createKey("", "api:read")
	wantText(t, p, http.StatusBadRequest, "Give the key a name")

	// Her own package: a key for it alone.
	p, secret = b.createKey("release bot", "package:alices_lib")
	if p.status != http.StatusCreated || secret == "" {
		t.Fatalf("own package: status %d:\n%s", p.status, p.body)
	}
	key, err := e.store.KeyByName(context.Background(), alice.ID, "release bot")
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.Permission{{Domain: "package", Resource: "shipyard/alices_lib"}}; !slices.Equal(key.Permissions, want) {
		t.Errorf("permissions %v, want %v", key.Permissions, want)
	}
}

func TestKeyRevocationNeedsAConfirmationWithin30Seconds(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.mustLogin("alice")
	if p, secret := b.createKey("laptop", "api"); secret == "" {
		t.Fatalf("create: %d", p.status)
	}
	e.clock.Advance(SudoForceTimeout)
	list := b.get("/dashboard/keys") // within the hour of sudo: no question
	wantText(t, list, http.StatusOK, "laptop")
	p := b.submit(list, "/dashboard/keys/revoke", nil)
	wantText(t, p, http.StatusOK, "Confirm it is you")
	if keys, _ := e.store.Keys(context.Background(), alice.ID); len(keys) != 1 {
		t.Fatal("the key was revoked without a fresh confirmation")
	}
	p = b.submit(p, "/sudo", map[string]string{"password": testPassword})
	wantText(t, p, http.StatusOK, "press Continue")
	p = b.submit(p, "/dashboard/keys/revoke", nil)
	wantRedirect(t, p, "/dashboard/keys?done=revoked")
	if keys, _ := e.store.Keys(context.Background(), alice.ID); len(keys) != 0 {
		t.Fatalf("keys left: %v", keys)
	}
	after := b.get(p.location())
	wantText(t, after, http.StatusOK, "The key was revoked")
	if strings.Contains(after.body, `value="laptop"`) {
		t.Error("the revoked key is still listed")
	}
	if got := e.events(alice.ID); !slices.Contains(got, "key_revoked") {
		t.Errorf("security log %v", got)
	}
	// Revoking it again (an old tab): it says so.
	p = b.post("/dashboard/keys/revoke", list.form(t, "/dashboard/keys/revoke").values)
	wantText(t, p, http.StatusNotFound, "You have no key named laptop")
}

func TestDashboardSectionsNeedSudoAndSignIn(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.addUser("alice")
	for _, path := range []string{"/dashboard/keys", "/dashboard/sessions", "/dashboard/log"} {
		wantRedirect(t, e.browser().get(path), "/login?return="+url.QueryEscape(path))
	}
	b := e.browser()
	b.mustLogin("alice")
	e.clock.Advance(SudoTimeout)
	for _, path := range []string{"/dashboard/keys", "/dashboard/sessions", "/dashboard/log"} {
		wantRedirect(t, b.get(path), "/sudo?return="+url.QueryEscape(path))
	}
	// A key form posted after the hour: the sudo form, carrying the
	// fields; nothing made until it is answered.
	p := b.post("/dashboard/keys", url.Values{csrfField: {b.get("/sudo").form(t, "/sudo").values.Get(csrfField)}, "name": {"late"}, "permission": {"api:read"}})
	wantText(t, p, http.StatusOK, "Confirm it is you")
	p = b.submit(p, "/sudo", map[string]string{"password": testPassword})
	p = b.submit(p, "/dashboard/keys", nil)
	if p.status != http.StatusCreated || !keySecretRe.MatchString(p.body) {
		t.Fatalf("the key form after sudo: status %d", p.status)
	}
}

func TestDashboardFormsNeedTheirCSRFToken(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := e.addUser("alice")
	e.addUser("mallory")
	b, mallory := e.browser(), e.browser()
	b.mustLogin("alice")
	mallory.mustLogin("mallory")
	dev := e.startDevice("api:read")
	ctx := context.Background()
	if err := e.oauth.Approve(ctx, dev.UserCode, alice, []string{"api:read"}, store.KeyUse{At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	b.createKey("keep", "api:read")
	sessions, err := e.oauth.Sessions(ctx, alice.ID)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions %v %v", sessions, err)
	}
	id := sessions[0].ID
	stolen := mallory.get("/dashboard/keys").form(t, "/dashboard/keys").values.Get(csrfField)
	for _, token := range []string{"", stolen} {
		forms := map[string]url.Values{
			"/dashboard/keys":            {"name": {"forged"}, "permission": {"api"}},
			"/dashboard/keys/revoke":     {"name": {"keep"}},
			"/dashboard/sessions/revoke": {"session": {strconv.FormatInt(id, 10)}},
		}
		for path, values := range forms {
			if token != "" {
				values.Set(csrfField, token)
			}
			wantText(t, b.post(path, values), http.StatusForbidden, "This form has expired")
		}
	}
	keys, _ := e.store.Keys(ctx, alice.ID)
	if len(keys) != 1 || keys[0].Name != "keep" {
		t.Errorf("keys after forged forms: %v", keys)
	}
	if s, _ := e.oauth.Sessions(ctx, alice.ID); len(s) != 1 {
		t.Error("a forged form logged the device out")
	}
}

func TestDeviceSessionIsListedAndLoggedOut(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := e.addUser("alice")
	bob := e.addUser("bob")
	ctx := context.Background()
	login := func(u *store.User) *oauth.TokenResponse {
		dev := e.startDevice("api:read repositories")
		if err := e.oauth.Approve(ctx, dev.UserCode, u, []string{"api:read", "repositories"}, store.KeyUse{At: e.clock.Now(), IP: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		tok, err := e.oauth.Token(ctx, oauth.TokenRequest{GrantType: oauth.GrantDeviceCode, ClientID: oauth.ShipClientID, DeviceCode: dev.DeviceCode})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tok := login(alice)
	bobs := login(bob)
	e.clock.Advance(time.Minute)
	if _, err := e.oauth.Authenticate(ctx, tok.AccessToken, store.KeyUse{At: e.clock.Now(), IP: "203.0.113.9", UserAgent: "ship/0.4.0 (linux; amd64)"}); err != nil {
		t.Fatal(err)
	}

	b := e.browser()
	b.mustLogin("alice")
	p := b.get("/dashboard/sessions")
	for _, want := range []string{"build box <b>", "ship", "api:read", "repositories", "2 March 2026, 09:00 UTC", "203.0.113.9 (ship/0.4.0)", "Log out this device"} {
		wantText(t, p, http.StatusOK, want)
	}
	if strings.Contains(p.body, "build box <b>") {
		t.Error("the device name is not escaped")
	}
	if n := strings.Count(p.body, `action="/dashboard/sessions/revoke"`); n != 1 {
		t.Errorf("%d sessions listed, want alice's one", n)
	}

	// Bob cannot log out alice's device by its number.
	bobB := e.browser()
	bobB.mustLogin("bob")
	bobsPage := bobB.get("/dashboard/sessions")
	forged := bobsPage.form(t, "/dashboard/sessions/revoke").values
	forged.Set("session", p.form(t, "/dashboard/sessions/revoke").values.Get("session"))
	wantText(t, bobB.post("/dashboard/sessions/revoke", forged), http.StatusNotFound, "That device is not logged in to your account")

	p = b.submit(p, "/dashboard/sessions/revoke", nil)
	wantRedirect(t, p, "/dashboard/sessions?done=revoked")
	wantText(t, b.get(p.location()), http.StatusOK, "No device is logged in to your account")
	if _, err := e.oauth.Authenticate(ctx, tok.AccessToken, store.KeyUse{At: e.clock.Now()}); !errors.Is(err, oauth.ErrTokenInvalid) {
		t.Errorf("the access token after logging out: %v", err)
	}
	if _, err := e.oauth.Token(ctx, oauth.TokenRequest{GrantType: oauth.GrantRefreshToken, ClientID: oauth.ShipClientID, RefreshToken: tok.RefreshToken}); err == nil {
		t.Error("the refresh token still works")
	}
	if _, err := e.oauth.Authenticate(ctx, bobs.AccessToken, store.KeyUse{At: e.clock.Now()}); err != nil {
		t.Errorf("bob's device was logged out too: %v", err)
	}
	if got := e.events(alice.ID); !slices.Contains(got, "session_revoked") {
		t.Errorf("security log %v", got)
	}
}

func TestSecurityLogShowsKeyAndDeviceEvents(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := e.addUser("alice")
	b := e.browser()
	b.header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	b.mustLogin("alice")
	b.createKey("ci", "api:read")
	b.submit(b.get("/dashboard/keys"), "/dashboard/keys/revoke", nil)
	ctx := context.Background()
	dev := e.startDevice("api:read")
	if err := e.oauth.Approve(ctx, dev.UserCode, alice, []string{"api:read"}, store.KeyUse{At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	b.submit(b.get("/dashboard/sessions"), "/dashboard/sessions/revoke", nil)

	p := b.get("/dashboard/log")
	for _, want := range []string{"Signed in", "API key created (ci: api:read)", "API key revoked (ci)", "Device logged out (build box <b> (ship))", "127.0.0.1", ">Firefox 128<", "2 March 2026, 09:00 UTC"} {
		wantText(t, p, http.StatusOK, want)
	}
	// Newest first.
	if i, j := strings.Index(p.text(), "Device logged out"), strings.Index(p.text(), "Signed in"); i < 0 || j < i {
		t.Error("the log is not newest first")
	}
}

func TestShortAgent(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                     "Chrome 131",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0": "Edge 131",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.224 Safari/537.36":        "Chrome (headless) 120",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15":        "Safari",
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0":                                                    "Firefox 128",
		"Mozilla/5.0 (compatible; unknown)":    "Mozilla/5.0",
		"ship/0.4.0 (linux; amd64)":            "ship/0.4.0",
		"Hex/2.1.1 (Elixir/1.17.2) (OTP/27.0)": "Hex/2.1.1",
		"":                                     "unknown",
		strings.Repeat("x", 100):               strings.Repeat("x", 39) + "…",
	} {
		if got := shortAgent(ua); got != want {
			t.Errorf("shortAgent(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestDashboardInputsHaveLabels(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	alice := e.addUser("alice")
	e.addPackage("alices_lib", map[*store.User]store.OwnerLevel{alice: store.LevelFull})
	b := e.browser()
	b.mustLogin("alice")
	for _, path := range []string{"/dashboard", "/dashboard/keys", "/dashboard/sessions", "/dashboard/log"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: status %d", path, p.status)
		}
		for _, in := range inputRe.FindAllStringSubmatch(p.body, -1) {
			a := attrs(in[1])
			if a["type"] == "hidden" {
				continue
			}
			if a["id"] == "" || !strings.Contains(p.body, `<label for="`+a["id"]+`"`) {
				t.Errorf("%s: input %q has no label", path, in[0])
			}
		}
	}
}

// FuzzShortAgent checks that any User-Agent header, which a client
// chooses freely, shortens to a short, non-empty text without panicking.
func FuzzShortAgent(f *testing.F) {
	f.Add("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
	f.Add("ship/0.4.0 (linux; amd64)")
	f.Fuzz(func(t *testing.T, ua string) {
		got := shortAgent(ua)
		if got == "" || utf8.RuneCountInString(got) > 40 {
			t.Fatalf("shortAgent(%q) = %q", ua, got)
		}
		if utf8.ValidString(ua) && !utf8.ValidString(got) {
			t.Fatalf("shortAgent(%q) = %q, not UTF-8", ua, got)
		}
	})
}
