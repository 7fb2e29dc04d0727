package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/auth/tokenstore"
	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

// start is when every test registry's clock begins: far from the wall
// clock, so code that reads the wall clock instead of Source.Now shows.
var start = time.Date(2031, time.June, 2, 9, 30, 0, 0, time.UTC)

// shipyard is a whole registry (see shipyardtest) behind a handler that
// records every request and lets a test answer some itself.
type shipyard struct {
	t testing.TB
	*shipyardtest.Registry
	api string // URL + "/api"

	mu        sync.Mutex
	requests  []request
	intercept func(n int, w http.ResponseWriter, r *http.Request) bool
}

// request is one request the registry received.
type request struct {
	path string
	form url.Values // the urlencoded body
	at   time.Time  // wall-clock arrival
}

// newShipyard starts a registry whose access tokens live accessTTL (0:
// the server's default, 30 minutes).
func newShipyard(t testing.TB, accessTTL time.Duration) *shipyard {
	t.Helper()
	y := &shipyard{t: t}
	y.Registry = shipyardtest.Start(t, shipyardtest.StartAt(start), shipyardtest.AccessTokenTTL(accessTTL), shipyardtest.WrapHandler(y.record))
	y.api = y.URL + "/api"
	return y
}

// record wraps the registry's handler: it notes each request, then lets
// the test's intercept answer it (or pass it on).
func (y *shipyard) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		y.mu.Lock()
		y.requests = append(y.requests, request{path: r.URL.Path, form: form, at: time.Now()})
		n := len(y.requests)
		intercept := y.intercept
		y.mu.Unlock()
		if intercept != nil && intercept(n, w, r) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setIntercept installs f; nil removes it.
func (y *shipyard) setIntercept(f func(n int, w http.ResponseWriter, r *http.Request) bool) {
	y.mu.Lock()
	y.intercept = f
	y.mu.Unlock()
}

// seen returns the requests to path so far; with grant, only token
// requests of that grant type.
func (y *shipyard) seen(path, grant string) []request {
	y.mu.Lock()
	defer y.mu.Unlock()
	var out []request
	for _, q := range y.requests {
		if q.path == path && (grant == "" || q.form.Get("grant_type") == grant) {
			out = append(out, q)
		}
	}
	return out
}

func (y *shipyard) refreshes() int { return len(y.seen("/api/oauth/token", "refresh_token")) }

func (y *shipyard) polls() []request { return y.seen("/api/oauth/token", oauth.GrantDeviceCode) }

// post sends a urlencoded form to the registry, past the recorder's
// intercept only in that it is the test's own request.
func (y *shipyard) post(path string, form url.Values) (int, map[string]any) {
	y.t.Helper()
	resp, err := http.Post(y.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		y.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	data, _ := io.ReadAll(resp.Body)
	json.Unmarshal(data, &m)
	return resp.StatusCode, m
}

// session logs u in through the device flow without waiting (the test
// polls once, after approving) and returns the credentials as ship
// would record them at the registry's time.
func (y *shipyard) session(u *store.User) *auth.Credentials {
	y.t.Helper()
	status, d := y.post("/api/oauth/device_authorization", url.Values{"client_id": {auth.ClientID}, "scope": {"api repositories"}, "name": {"test"}})
	if status != http.StatusOK {
		y.t.Fatalf("device authorization: %d %v", status, d)
	}
	if err := y.OAuth(y.t).Approve(context.Background(), d["user_code"].(string), u, []string{oauth.ScopeRepositories}, store.KeyUse{}); err != nil {
		y.t.Fatal(err)
	}
	status, tok := y.post("/api/oauth/token", url.Values{"client_id": {auth.ClientID}, "grant_type": {oauth.GrantDeviceCode}, "device_code": {d["device_code"].(string)}})
	if status != http.StatusOK {
		y.t.Fatalf("device token: %d %v", status, tok)
	}
	return credentialsOf(y.t, tok, y.Clock.Now())
}

// credentialsOf records a token response received at now.
func credentialsOf(t testing.TB, tok map[string]any, now time.Time) *auth.Credentials {
	t.Helper()
	access, _ := tok["access_token"].(string)
	refresh, _ := tok["refresh_token"].(string)
	in, _ := tok["expires_in"].(float64)
	scope, _ := tok["scope"].(string)
	if access == "" || refresh == "" || in <= 0 {
		t.Fatalf("token response: %v", tok)
	}
	return &auth.Credentials{
		AccessToken: access, RefreshToken: refresh, Scopes: strings.Fields(scope),
		IssuedAt: now, ExpiresAt: now.Add(time.Duration(in) * time.Second),
	}
}

// refreshStatus presents a refresh token to the registry directly and
// returns the status and error code.
func (y *shipyard) refreshStatus(refresh string) (int, string) {
	y.t.Helper()
	status, m := y.post("/api/oauth/token", url.Values{"client_id": {auth.ClientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	code, _ := m["error"].(string)
	return status, code
}

// whoami is the username the registry sees for an access token, "" when
// it refuses the token.
func (y *shipyard) whoami(access string) string {
	y.t.Helper()
	req, _ := http.NewRequest("GET", y.api+"/users/me", nil)
	req.Header.Set("Authorization", auth.AuthorizationHeader(access))
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		y.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	name, _ := m["username"].(string)
	return name
}

// source is a Source for the registry on the registry's clock.
func (y *shipyard) source(st tokenstore.Store, lockDir string) *auth.Source {
	return &auth.Source{API: y.api, Store: st, LockDir: lockDir, Now: y.Clock.Now}
}

// answer writes an OAuth-style JSON answer.
func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}
