package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/registry/client"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

// start is when every test registry's clock begins, far from the wall
// clock so that nothing depends on it.
var start = time.Date(2031, time.June, 2, 10, 0, 0, 0, time.UTC)

// registry is a whole shipyard (see shipyardtest) with the helpers of
// these tests.
type registry struct {
	t *testing.T
	*shipyardtest.Registry
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	return &registry{t: t, Registry: shipyardtest.Start(t, shipyardtest.StartAt(start))}
}

// client returns a client of the registry authenticating with the
// Authorization value auth ("" for none).
func (r *registry) client(auth string) *client.Client {
	c := &client.Client{API: r.URL + "/api", UserAgent: "ship-test/0 (go)", HTTP: patientHTTP()}
	if auth != "" {
		c.Credential = func(context.Context) (string, error) { return auth, nil }
	}
	return c
}

// patientHTTP waits as long as it takes for "100 Continue" before sending
// an upload's body, so tests of refused uploads do not depend on how fast
// a loaded machine answers.
func patientHTTP() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ExpectContinueTimeout = time.Hour
	return &http.Client{Transport: t}
}

// wrongCode is a well-formed code that matches none of the steps the
// registry could accept now.
func (r *registry) wrongCode(secret string) string {
	r.t.Helper()
	near := map[string]bool{}
	for off := -3; off <= 3; off++ {
		near[r.Code(r.t, secret, off)] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333", "444444", "555555", "666666", "777777"} {
		if !near[c] {
			return c
		}
	}
	r.t.Fatal("no wrong code found")
	return ""
}

// deviceLogin runs the device flow for u as ship would, approving the
// scopes given as the website does when the user clicks "Authorize", and
// returns the access token.
func (r *registry) deviceLogin(u *store.User, scopes ...string) string {
	r.t.Helper()
	var d struct {
		DeviceCode string `json:"device_code"`
		UserCode   string `json:"user_code"`
	}
	r.postForm("/api/oauth/device_authorization", url.Values{
		"client_id": {oauth.ShipClientID}, "scope": {"api repositories"}, "name": {"laptop"},
	}, &d)
	if err := r.OAuth(r.t).Approve(context.Background(), d.UserCode, u, scopes, store.KeyUse{IP: "127.0.0.1"}); err != nil {
		r.t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r.postForm("/api/oauth/token", url.Values{
		"grant_type": {oauth.GrantDeviceCode}, "client_id": {oauth.ShipClientID}, "device_code": {d.DeviceCode},
	}, &tok)
	if tok.AccessToken == "" {
		r.t.Fatal("the token endpoint gave no access token")
	}
	return tok.AccessToken
}

// postForm posts a form and decodes the JSON answer, which must be a 200.
func (r *registry) postForm(path string, form url.Values, out any) {
	r.t.Helper()
	resp, err := http.PostForm(r.URL+path, form)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("POST %s: %d %s", path, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		r.t.Fatalf("POST %s: %v: %s", path, err, data)
	}
}

// metadata is valid metadata of a small Erlang package.
func metadata(name, version string) tarball.Metadata {
	return tarball.Metadata{
		Name: name, Version: version, App: name,
		Description: "A package of the client tests.",
		Licenses:    []string{"Apache-2.0"},
		BuildTools:  []string{"rebar3"},
		Files:       []string{"src/" + name + ".erl"},
	}
}

// build makes a package tarball of meta with one source file.
func build(t *testing.T, meta tarball.Metadata) ([]byte, tarball.Result) {
	t.Helper()
	src := []byte("-module(" + meta.App + ").\n% " + meta.Version + "\n")
	files := []tarball.File{{
		Name: "src/" + meta.App + ".erl", Mode: 0o644, Size: int64(len(src)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil },
	}}
	var buf bytes.Buffer
	res, err := tarball.Build(&buf, meta, files)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), res
}

// publish uploads tar with c and returns the result.
func publish(c *client.Client, tar []byte, replace bool, otp string) (*client.PublishResult, error) {
	return c.Publish(context.Background(), "", bytes.NewReader(tar), int64(len(tar)), replace, otp, nil)
}

// mustPublish publishes a new release of name with c.
func mustPublish(t *testing.T, c *client.Client, name, version string) {
	t.Helper()
	tar, _ := build(t, metadata(name, version))
	if _, err := publish(c, tar, false, ""); err != nil {
		t.Fatalf("publishing %s %s: %v", name, version, err)
	}
}

// apiError returns err as a *client.Error, failing the test otherwise.
func apiError(t *testing.T, err error) *client.Error {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *client.Error", err, err)
	}
	return e
}

// wantRefusal checks that err is a refusal with status whose readable
// text is want.
func wantRefusal(t *testing.T, err error, status int, want string) *client.Error {
	t.Helper()
	e := apiError(t, err)
	if e.Status != status {
		t.Errorf("status %d, want %d (%v)", e.Status, status, err)
	}
	if got := err.Error(); got != want {
		t.Errorf("error reads\n%q\nwant\n%q", got, want)
	}
	return e
}

// wantNoSecret fails when a secret shows in an error's text.
func wantNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("the error %q shows a secret", err)
		}
	}
}
