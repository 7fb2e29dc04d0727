package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hexship/ship/registry/client"
)

// answer is a canned HTTP answer.
type answer struct {
	status int
	header map[string][]string
	body   string
}

// seen is what a canned server received.
type seen struct {
	method, uri string
	header      http.Header
	body        []byte
}

// canned serves the same answer to every request and records the last
// request.
type canned struct {
	srv  *httptest.Server
	mu   sync.Mutex
	last seen
}

func serve(t *testing.T, a answer) *canned {
	t.Helper()
	c := &canned{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.last = seen{r.Method, r.RequestURI, r.Header.Clone(), body}
		c.mu.Unlock()
		for k, vs := range a.header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *canned) client() *client.Client {
	return &client.Client{API: c.srv.URL + "/api", UserAgent: "ship-test/0"}
}

func (c *canned) request() seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func jsonType() map[string][]string {
	return map[string][]string{"Content-Type": {"application/json; charset=utf-8"}}
}

func TestErrorsReadable(t *testing.T) {
	const nginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
		"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	tests := []struct {
		name   string
		answer answer
		want   string
	}{
		{"a proxy's HTML page",
			answer{502, map[string][]string{"Content-Type": {"text/html"}}, nginx502},
			"the server answered HTTP 502 Bad Gateway with a web page instead of the Hex API's JSON " +
				"(is the API URL right, or a proxy in the way?); the page says: 502 Bad Gateway"},
		{"an HTML page without a title or a type",
			answer{404, nil, "<!doctype html><p>nothing here"},
			"the server answered HTTP 404 Not Found with a web page instead of the Hex API's JSON " +
				"(is the API URL right, or a proxy in the way?)"},
		{"a title with entities and markup around",
			answer{503, map[string][]string{"Content-Type": {"text/html"}}, "<HTML><TITLE lang=en>\n  Down &amp; out\n</TITLE>"},
			"the server answered HTTP 503 Service Unavailable with a web page instead of the Hex API's JSON " +
				"(is the API URL right, or a proxy in the way?); the page says: Down & out"},
		{"plain text",
			answer{503, map[string][]string{"Content-Type": {"text/plain"}}, "\nupstream connect error or disconnect/reset before headers\nmore\n"},
			"the server answered HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before headers"},
		{"no body",
			answer{500, nil, ""},
			"the server answered HTTP 500 Internal Server Error"},
		{"hex.pm's nested field errors, sorted",
			answer{422, jsonType(), `{"status":422,"message":"Validation error(s)","errors":{"version":"is invalid SemVer",` +
				`"requirements":{"foo":"package does not exist","bar":{"requirement":"invalid requirement: \"~> x\""}}}}`},
			`Validation error(s): requirements.bar.requirement: invalid requirement: "~> x"; ` +
				`requirements.foo: package does not exist; version: is invalid SemVer`},
		{"field errors without a message",
			answer{422, jsonType(), `{"errors":{"name":"has already been taken"}}`},
			"Validation error(s): name: has already been taken"},
		{"errors as a list",
			answer{400, jsonType(), `{"status":400,"message":"Bad request","errors":["name is taken","too long"]}`},
			"Bad request: name is taken, too long"},
		{"hex.pm's message null",
			answer{403, jsonType(), `{"status":403,"message":null}`},
			"HTTP 403 Forbidden"},
		{"an OAuth error",
			answer{400, jsonType(), `{"error":"invalid_grant","error_description":"The refresh token is invalid"}`},
			"The refresh token is invalid (invalid_grant)"},
		{"an OAuth error code alone",
			answer{401, jsonType(), `{"error":"invalid_token"}`},
			"invalid_token"},
		{"terminal control sequences",
			answer{400, jsonType(), `{"message":"bad \u001b[2J\u001b]0;pwned\u0007name\r\n\u202eelif","errors":{"a\u001bb":"x\ty"}}`},
			"bad [2J ]0;pwned name elif: a b: x y"},
		{"JSON that is not an object",
			answer{500, jsonType(), `["internal"]`},
			`the server answered HTTP 500 Internal Server Error: ["internal"]`},
		{"a status Go has no name for",
			answer{599, nil, ""},
			"the server answered HTTP 599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := serve(t, tt.answer).client().Me(context.Background())
			e := wantRefusal(t, err, tt.answer.status, tt.want)
			if e.Message == "" {
				t.Error("the refusal has no message")
			}
		})
	}
}

func TestChallenges(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		message string
		want    string
	}{
		{"hex.pm's", []string{`Bearer realm="hex", error="totp_required"`}, "", "totp_required"},
		{"unquoted, spaced, another case", []string{`bearer  error = invalid_totp ,realm=hex`}, "", "invalid_totp"},
		{"after a Basic challenge, in its own header", []string{`Basic realm="hex"`, `Bearer realm="hex", error="token_expired"`}, "", "token_expired"},
		{"a comma and a look-alike inside a quoted realm", []string{`Basic realm="a, error=\"totp_required\"", Bearer error="invalid_totp"`}, "", "invalid_totp"},
		{"after a token68 credential", []string{`Negotiate abc+/==, Bearer error="totp_required"`}, "", "totp_required"},
		{"escaped quotes", []string{`Bearer error="tok\"en_expired"`}, "", `tok"en_expired`},
		{"a Basic challenge only", []string{`Basic realm=hex`}, "invalid API key", ""},
		{"an error parameter of another scheme", []string{`Basic error="totp_required"`}, "invalid API key", ""},
		{"the header lost on the way", nil, "Two-factor authentication required. Include X-Hex-OTP header with your TOTP code.", "totp_required"},
		{"unterminated", []string{`Bearer error="invalid_totp`}, "", "invalid_totp"},
		{"garbage", []string{`=,,"" ,= Bearer`}, "no", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"status": 401, "message": tt.message})
			h := jsonType()
			h["Www-Authenticate"] = tt.values
			_, err := serve(t, answer{401, h, string(body)}).client().Me(context.Background())
			if got := apiError(t, err).Challenge; got != tt.want {
				t.Errorf("challenge %q, want %q", got, tt.want)
			}
			checks := map[string]func(error) bool{
				"totp_required": client.IsOTPRequired, "invalid_totp": client.IsOTPInvalid, "token_expired": client.IsTokenExpired,
			}
			for challenge, is := range checks {
				if is(err) != (challenge == tt.want) {
					t.Errorf("Is… for %s says %v", challenge, is(err))
				}
			}
		})
	}

	// Only a 401 is a challenge.
	h := map[string][]string{"Www-Authenticate": {`Bearer error="totp_required"`}}
	_, err := serve(t, answer{403, h, ""}).client().Me(context.Background())
	if client.IsOTPRequired(err) {
		t.Errorf("a 403 %v is read as a challenge", err)
	}
	if client.IsOTPRequired(nil) || client.IsOTPInvalid(io.EOF) {
		t.Error("errors that are no refusal are read as challenges")
	}
}

// What goes on the wire, as hex.pm documents it.
func TestRequests(t *testing.T) {
	ctx := context.Background()
	s := serve(t, answer{204, nil, ""})
	c := s.client()
	calls := 0
	c.Credential = func(context.Context) (string, error) { calls++; return "Bearer tok", nil }

	if err := c.AddOwner(ctx, "my pkg", "a/b@example.com", "maintainer", true, "123456"); err != nil {
		t.Fatal(err)
	}
	q := s.request()
	want := map[string]string{
		"Authorization": "Bearer tok", "X-Hex-Otp": "123456", "User-Agent": "ship-test/0",
		"Accept": "application/json", "Content-Type": "application/json",
	}
	for k, v := range want {
		if got := q.header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if q.method != "PUT" || q.uri != "/api/packages/my%20pkg/owners/a%2Fb@example.com" {
		t.Errorf("sent %s %s", q.method, q.uri)
	}
	var body map[string]any
	if err := json.Unmarshal(q.body, &body); err != nil || body["level"] != "maintainer" || body["transfer"] != true || len(body) != 2 {
		t.Errorf("body %s (%v)", q.body, err)
	}

	if err := c.RemoveOwner(ctx, "p", "u", ""); err != nil {
		t.Fatal(err)
	}
	q = s.request()
	if q.method != "DELETE" || q.uri != "/api/packages/p/owners/u" || q.header.Get("X-Hex-Otp") != "" || len(q.body) != 0 {
		t.Errorf("sent %s %s otp %q body %q", q.method, q.uri, q.header.Get("X-Hex-Otp"), q.body)
	}
	if calls != 2 {
		t.Errorf("the credential was asked for %d times in 2 requests", calls)
	}

	// Without a credential nothing is sent; a user agent always is.
	c.Credential, c.UserAgent = nil, ""
	if err := c.AddOwner(ctx, "p", "u", "", false, ""); err != nil {
		t.Fatal(err)
	}
	q = s.request()
	if _, ok := q.header["Authorization"]; ok || !strings.HasPrefix(q.header.Get("User-Agent"), "ship") {
		t.Errorf("anonymous request: authorization %q, user agent %q", q.header.Get("Authorization"), q.header.Get("User-Agent"))
	}
	if !bytes.Equal(q.body, []byte(`{"transfer":false}`)) {
		t.Errorf("with no level the server's default is asked for: %s", q.body)
	}
}

// Publish as hex.pm documents it, and hex.pm's release view read back.
func TestPublishRequest(t *testing.T) {
	const release = `{"version":"1.0.0","checksum":"AB12","url":"https://hex.pm/api/packages/my_pkg/releases/1.0.0",` +
		`"html_url":"https://hex.pm/packages/my_pkg/1.0.0","package_url":"https://hex.pm/api/packages/my_pkg",` +
		`"docs_html_url":null,"retirement":null,"requirements":{},"meta":{"app":"my_pkg","build_tools":["mix"],"elixir":"~> 1.15"}}`
	s := serve(t, answer{201, jsonType(), release})
	tar := []byte("not really a tarball, the server does not look")
	res, err := s.client().Publish(context.Background(), "", bytes.NewReader(tar), int64(len(tar)), true, "654321", nil)
	if err != nil {
		t.Fatal(err)
	}
	q := s.request()
	if q.method != "POST" || q.uri != "/api/publish?replace=true" || !bytes.Equal(q.body, tar) {
		t.Errorf("sent %s %s with %q", q.method, q.uri, q.body)
	}
	for k, v := range map[string]string{
		"Content-Type": "application/octet-stream", "Expect": "100-continue", "X-Hex-Otp": "654321",
	} {
		if got := q.header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	want := client.PublishResult{
		Name: "my_pkg", Version: "1.0.0", URL: "https://hex.pm/api/packages/my_pkg/releases/1.0.0",
		HTMLURL: "https://hex.pm/packages/my_pkg/1.0.0", Checksum: "ab12", PackageURL: "https://hex.pm/api/packages/my_pkg",
	}
	if *res != want {
		t.Errorf("result\n got %+v\nwant %+v", *res, want)
	}

	// A server whose view names the package only in the Location header.
	s = serve(t, answer{201, map[string][]string{"Location": {"/api/packages/other%20name/releases/2.0.0"}}, `{"version":"2.0.0","checksum":"cd"}`})
	res, err = s.client().Publish(context.Background(), "", bytes.NewReader(tar), int64(len(tar)), false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "other name" || res.Version != "2.0.0" || res.Replaced {
		t.Errorf("result %+v", res)
	}
	if q := s.request(); q.uri != "/api/publish?replace=false" || q.header.Get("X-Hex-Otp") != "" {
		t.Errorf("sent %s with otp %q", q.uri, q.header.Get("X-Hex-Otp"))
	}
}

// A write is never redirected: its body would be lost and its code sent
// elsewhere. The refusal says where the server pointed.
func TestWritesNotRedirected(t *testing.T) {
	elsewhere := serve(t, answer{201, jsonType(), `{"version":"1.0.0"}`})
	s := serve(t, answer{307, map[string][]string{"Location": {elsewhere.srv.URL + "/api/publish"}}, ""})
	c := s.client()
	c.HTTP = nil // the default client's redirect rule
	tar := []byte("tarball")
	_, err := c.Publish(context.Background(), "", bytes.NewReader(tar), int64(len(tar)), false, "123456", nil)
	wantRefusal(t, err, 307, "the server answered HTTP 307 Temporary Redirect redirecting to "+elsewhere.srv.URL+
		"/api/publish; if that is the registry, use it as the API URL")
	if q := elsewhere.request(); q.method != "" {
		t.Errorf("the upload went to the other host: %s %s", q.method, q.uri)
	}
}

// A read follows a redirect on its host, with its credential, and not one
// to another host.
func TestReadRedirects(t *testing.T) {
	elsewhere := serve(t, answer{200, jsonType(), `{"username":"mallory"}`})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/users/me":
			http.Redirect(w, r, "/v2/api/users/me", http.StatusMovedPermanently)
		case "/v2/api/users/me":
			if r.Header.Get("Authorization") != "key" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			io.WriteString(w, `{"username":"alice"}`)
		case "/api/packages/rocket":
			http.Redirect(w, r, elsewhere.srv.URL+"/api/packages/rocket", http.StatusFound)
		}
	}))
	t.Cleanup(srv.Close)
	c := &client.Client{API: srv.URL + "/api", Credential: func(context.Context) (string, error) { return "key", nil }}
	u, err := c.Me(context.Background())
	if err != nil || u.Username != "alice" {
		t.Fatalf("me: %+v, %v", u, err)
	}
	_, err = c.Package(context.Background(), "rocket")
	if apiError(t, err).Status != http.StatusFound {
		t.Errorf("a read redirected to another host: %v", err)
	}
	if q := elsewhere.request(); q.method != "" {
		t.Errorf("the read went to the other host: %s %s", q.method, q.uri)
	}
}

// A success whose body is not the API's JSON is an error, not an empty
// result.
func TestAnswerNotJSON(t *testing.T) {
	s := serve(t, answer{200, map[string][]string{"Content-Type": {"text/html"}}, "<html>captive portal</html>"})
	_, err := s.client().Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not the Hex API's JSON") || !strings.Contains(err.Error(), "/users/me") {
		t.Errorf("a page for an answer gives %v", err)
	}
}
