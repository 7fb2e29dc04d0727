package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexship/ship/internal/testclock"
	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/sqlite"
	"github.com/hexship/ship/registry/throttle"
	"github.com/hexship/ship/registry/twofactor"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"
)

// env is a website over a real SQLite store, served on loopback.
type env struct {
	t      *testing.T
	site   *Site
	store  store.Store
	clock  *testclock.Clock
	oauth  *oauth.Service
	server *httptest.Server
}

const testPassword = "correct horse battery"

var (
	hashOnce sync.Once
	testHash string
)

// passwordHash is testPassword's hash for accounts tests create directly,
// made once and at bcrypt's lowest cost: bcrypt is slow on purpose, and
// the race detector makes it slower still. Accounts made through the
// sign-up page get the real cost.
func passwordHash(t *testing.T) string {
	hashOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		testHash = string(h)
	})
	return testHash
}

func newEnv(t *testing.T, configure ...func(*Site)) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "shipyard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	secret := bytes.Repeat([]byte("s3cret!!"), 4)
	clk := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	limits := &throttle.Throttle{Store: st, Now: clk.Now}
	sealer, err := twofactor.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := apikey.NewHasher(secret)
	if err != nil {
		t.Fatal(err)
	}
	oa, err := oauth.New(oauth.Config{Store: st, Keys: keys, Secret: secret, PublicURL: "http://registry.test", Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	site := &Site{
		Store:      st,
		TwoFactor:  &twofactor.Checker{Store: st, Sealer: sealer, Throttle: limits, Now: clk.Now},
		Sealer:     sealer,
		Throttle:   limits,
		Devices:    oa,
		Secret:     secret,
		PublicURL:  "http://registry.test",
		SignupOpen: true,
		Now:        clk.Now,
	}
	for _, c := range configure {
		c(site)
	}
	mux := http.NewServeMux()
	site.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, site: site, store: st, clock: clk, oauth: oa, server: srv}
}

// addUser creates an account with testPassword.
func (e *env) addUser(name string) *store.User {
	e.t.Helper()
	u := &store.User{Username: name, Email: name + "@example.com", PasswordHash: passwordHash(e.t)}
	ctx := context.Background()
	if err := e.store.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// events lists the kinds in a user's security log, oldest first.
func (e *env) events(userID int64) []string {
	e.t.Helper()
	evs, err := e.store.SecurityEvents(context.Background(), userID, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var kinds []string
	for i := len(evs) - 1; i >= 0; i-- {
		kinds = append(kinds, evs[i].Kind)
	}
	return kinds
}

// startDevice starts a device login as ship would, from another machine.
func (e *env) startDevice(scope string) *oauth.DeviceResponse {
	e.t.Helper()
	resp, err := e.oauth.DeviceAuthorization(context.Background(), oauth.DeviceRequest{
		ClientID: oauth.ShipClientID, Scope: scope, Name: "build box <b>", IP: "192.0.2.7", UserAgent: "ship/1.0",
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

// deviceCode reads a device authorization back from the store.
func (e *env) deviceCode(userCode string) *store.DeviceCode {
	e.t.Helper()
	d, err := e.store.DeviceCodeByUserCode(context.Background(), userCode)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// browser is one browser: its own cookies, redirects followed only when
// a test asks.
type browser struct {
	t      *testing.T
	e      *env
	client *http.Client
	header http.Header // added to every request
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{t: e.t, e: e, header: http.Header{}, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// reply is one response as a browser received it.
type reply struct {
	status int
	header http.Header
	body   string // as sent
	path   string // the request's path and query
}

// text is the body with entities decoded, for finding sentences.
func (p *reply) text() string { return html.UnescapeString(p.body) }

// location is the path a redirect points to.
func (p *reply) location() string {
	loc := p.header.Get("Location")
	if u, err := url.Parse(loc); err == nil && u.Host != "" {
		return u.RequestURI()
	}
	return loc
}

func (b *browser) do(method, path string, form url.Values) *reply {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.server.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: string(data), path: path}
}

func (b *browser) get(path string) *reply { b.t.Helper(); return b.do(http.MethodGet, path, nil) }

func (b *browser) post(path string, form url.Values) *reply {
	b.t.Helper()
	return b.do(http.MethodPost, path, form)
}

// follow fetches redirects until a page that is not one.
func (b *browser) follow(p *reply) *reply {
	b.t.Helper()
	for i := 0; p.status == http.StatusSeeOther || p.status == http.StatusFound; i++ {
		if i == 10 {
			b.t.Fatalf("redirect loop at %s", p.path)
		}
		p = b.get(p.location())
	}
	return p
}

// form is one form of a page: where it posts and the fields a browser
// would send without the person touching anything.
type form struct {
	action string
	values url.Values
	html   string
}

var (
	formRe  = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	inputRe = regexp.MustCompile(`<input\b([^>]*)>`)
	attrRe  = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?`)
)

// attrs parses the attributes of a tag (always double-quoted here).
func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// forms lists a page's forms.
func (p *reply) forms() []*form {
	var out []*form
	for _, m := range formRe.FindAllStringSubmatch(p.body, -1) {
		f := &form{action: attrs(m[1])["action"], values: url.Values{}, html: m[2]}
		for _, in := range inputRe.FindAllStringSubmatch(m[2], -1) {
			a := attrs(in[1])
			name, hasName := a["name"]
			_, disabled := a["disabled"]
			if !hasName || disabled {
				continue
			}
			if a["type"] == "checkbox" {
				if _, checked := a["checked"]; !checked {
					continue
				}
			}
			f.values.Add(name, a["value"])
		}
		out = append(out, f)
	}
	return out
}

// form finds the form that posts to action, failing the test without
// one.
func (p *reply) form(t *testing.T, action string) *form {
	t.Helper()
	for _, f := range p.forms() {
		if f.action == action {
			return f
		}
	}
	t.Fatalf("no form posting to %s on %s (status %d):\n%s", action, p.path, p.status, p.body)
	return nil
}

// submit fills a page's form (set replaces a field's values; "" deletes
// it) and posts it.
func (b *browser) submit(p *reply, action string, set map[string]string) *reply {
	b.t.Helper()
	f := p.form(b.t, action)
	values := url.Values{}
	for k, v := range f.values {
		values[k] = append([]string(nil), v...)
	}
	for k, v := range set {
		if v == "" {
			values.Del(k)
		} else {
			values.Set(k, v)
		}
	}
	return b.post(action, values)
}

// signup creates an account through the sign-up page; the browser is
// signed in to it afterwards.
func (b *browser) signup(name string) *reply {
	b.t.Helper()
	p := b.submit(b.get("/signup"), "/signup", map[string]string{
		"username": name, "email": name + "@example.com", "password": testPassword,
	})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("sign-up of %s: status %d:\n%s", name, p.status, p.body)
	}
	return p
}

// login signs in with a name (or email) and password and returns the
// answer to the form, unfollowed.
func (b *browser) login(ident, password string) *reply {
	b.t.Helper()
	return b.submit(b.get("/login"), "/login", map[string]string{"login": ident, "password": password})
}

// mustLogin signs in to an account without 2FA.
func (b *browser) mustLogin(name string) {
	b.t.Helper()
	p := b.login(name, testPassword)
	if p.status != http.StatusSeeOther || p.location() != "/dashboard" {
		b.t.Fatalf("sign-in of %s: status %d to %q:\n%s", name, p.status, p.location(), p.body)
	}
}

// code is the current TOTP code of secret on the fake clock.
func (e *env) code(secret string) string {
	e.t.Helper()
	c, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

var (
	secretRe = regexp.MustCompile(`id="totp-secret"[^>]*>([^<]*)<`)
	codesRe  = regexp.MustCompile(`(?s)id="recovery-codes"[^>]*>(.*?)</ul>`)
	codeRe   = regexp.MustCompile(`<code>([^<]*)</code>`)
)

// enableTOTP enrols the signed-in account through the security pages (the
// session must be in sudo mode) and returns the secret and recovery codes
// the pages showed. The clock then moves on a step, so the next code is
// not the enrolment's.
func (b *browser) enableTOTP() (secret string, codes []string) {
	b.t.Helper()
	p := b.get("/dashboard/security/totp")
	if p.status != http.StatusOK {
		b.t.Fatalf("enrol page: status %d:\n%s", p.status, p.body)
	}
	m := secretRe.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no element with id totp-secret:\n%s", p.body)
	}
	secret = strings.ReplaceAll(html.UnescapeString(m[1]), " ", "")
	p = b.submit(p, "/dashboard/security/totp", map[string]string{"code": b.e.code(secret)})
	if p.status != http.StatusOK {
		b.t.Fatalf("enrol: status %d:\n%s", p.status, p.body)
	}
	cm := codesRe.FindStringSubmatch(p.body)
	if cm == nil {
		b.t.Fatalf("no element with id recovery-codes:\n%s", p.body)
	}
	for _, c := range codeRe.FindAllStringSubmatch(cm[1], -1) {
		codes = append(codes, html.UnescapeString(c[1]))
	}
	b.e.clock.Advance(twofactor.Period)
	return secret, codes
}

// wantText fails unless the page says want.
func wantText(t *testing.T, p *reply, status int, want string) {
	t.Helper()
	if p.status != status || !strings.Contains(p.text(), want) {
		t.Fatalf("%s: got status %d, want %d and %q in:\n%s", p.path, p.status, status, want, p.body)
	}
}

// wantRedirect fails unless the answer redirects to path.
func wantRedirect(t *testing.T, p *reply, path string) {
	t.Helper()
	if p.status != http.StatusSeeOther || p.location() != path {
		t.Fatalf("%s: got status %d to %q, want a redirect to %q:\n%s", p.path, p.status, p.location(), path, p.body)
	}
}
