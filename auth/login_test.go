package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

// The Login tests wait for real polling intervals (5 s and more, as the
// registry asks), so they run in parallel.

func TestClientIDIsShipyards(t *testing.T) {
	if auth.ClientID != oauth.ShipClientID {
		t.Fatalf("auth.ClientID %q, shipyard registers ship as %q", auth.ClientID, oauth.ShipClientID)
	}
}

func TestLoginReadOnlyWithout2FA(t *testing.T) {
	t.Parallel()
	y := newShipyard(t, 0)
	u := y.AddUser(t, "ada")
	var shown []auth.DeviceCode
	before := time.Now()
	c, err := auth.Login(context.Background(), auth.LoginOptions{
		API: y.api, DeviceName: "build-box",
		OnCode: func(code auth.DeviceCode) {
			shown = append(shown, code)
			if n := len(y.polls()); n != 0 {
				t.Errorf("the code was shown after %d polls, want before any", n)
			}
			p, err := y.OAuth(t).PendingDevice(context.Background(), code.UserCode)
			if err != nil {
				t.Fatalf("the registry does not know the code shown: %v", err)
			}
			if p.Code.Name != "build-box" {
				t.Errorf("device name %q at the registry, want build-box", p.Code.Name)
			}
			// The person approves what an account without 2FA may grant.
			if err := y.OAuth(t).Approve(context.Background(), code.UserCode, u, []string{oauth.ScopeRepositories}, store.KeyUse{}); err != nil {
				t.Fatal(err)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) != 1 {
		t.Fatalf("OnCode called %d times, want once", len(shown))
	}
	code := shown[0]
	if code.VerificationURI != y.URL+"/oauth/device" || code.VerificationURIComplete != y.URL+"/oauth/device?user_code="+code.UserCode {
		t.Errorf("verification URIs %q, %q", code.VerificationURI, code.VerificationURIComplete)
	}
	if code.ExpiresAt.Before(before.Add(oauth.DeviceCodeTTL-time.Second)) || code.ExpiresAt.After(time.Now().Add(oauth.DeviceCodeTTL)) {
		t.Errorf("code expires at %v, want 10 minutes after it was issued (%v)", code.ExpiresAt, before)
	}
	if got := y.whoami(c.AccessToken); got != "ada" {
		t.Errorf("the registry sees the new access token as %q, want ada", got)
	}
	if c.RefreshToken == "" {
		t.Error("no refresh token kept")
	}
	if want := []string{"api:read", "repositories"}; !slices.Equal(c.Scopes, want) {
		t.Errorf("scopes %q, want %q", c.Scopes, want)
	}
	if c.CanWrite() {
		t.Error("a login without api:write says it can write")
	}
	if life := c.ExpiresAt.Sub(c.IssuedAt); life != oauth.DefaultAccessTTL {
		t.Errorf("credentials live %v, want the registry's %v", life, oauth.DefaultAccessTTL)
	}
	// One poll: approved before it, and the auth style is explicit, so no
	// request is sent twice.
	if n := len(y.polls()); n != 1 {
		t.Errorf("%d polls, want 1", n)
	}
	if n := len(y.seen("/api/oauth/device_authorization", "")); n != 1 {
		t.Errorf("%d device authorizations, want 1", n)
	}
	if q := y.seen("/api/oauth/device_authorization", ""); len(q) == 1 && q[0].form.Get("scope") != "api repositories" {
		t.Errorf("asked for scope %q, want \"api repositories\"", q[0].form.Get("scope"))
	}
}

func TestLoginCanWriteWith2FA(t *testing.T) {
	t.Parallel()
	y := newShipyard(t, 0)
	u := y.AddUser(t, "grace")
	y.Enrol(t, u)
	c, err := auth.Login(context.Background(), auth.LoginOptions{
		API: y.api, DeviceName: "laptop",
		OnCode: func(code auth.DeviceCode) {
			if err := y.OAuth(t).Approve(context.Background(), code.UserCode, u, []string{oauth.ScopeWrite, oauth.ScopeRepositories}, store.KeyUse{}); err != nil {
				t.Fatal(err)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !c.CanWrite() || !slices.Contains(c.Scopes, "api:write") {
		t.Errorf("scopes %q: want a login that can write", c.Scopes)
	}
}

func TestLoginDenied(t *testing.T) {
	t.Parallel()
	y := newShipyard(t, 0)
	u := y.AddUser(t, "ada")
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		API: y.api,
		OnCode: func(code auth.DeviceCode) {
			if err := y.OAuth(t).Deny(context.Background(), code.UserCode, u, store.KeyUse{}); err != nil {
				t.Fatal(err)
			}
		},
	})
	if !errors.Is(err, auth.ErrDenied) {
		t.Fatalf("Login after a denial: %v, want ErrDenied", err)
	}
}

func TestLoginCodeExpiredAtTheRegistry(t *testing.T) {
	t.Parallel()
	y := newShipyard(t, 0)
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		API:    y.api,
		OnCode: func(auth.DeviceCode) { y.Clock.Advance(oauth.DeviceCodeTTL) },
	})
	if !errors.Is(err, auth.ErrCodeExpired) {
		t.Fatalf("Login with an expired code: %v, want ErrCodeExpired", err)
	}
	if n := len(y.polls()); n != 1 {
		t.Errorf("%d polls, want 1 (expired_token ends the login)", n)
	}
}

func TestLoginStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	y := newShipyard(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The person presses Ctrl-C after the first pending poll.
	y.setIntercept(func(_ int, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/api/oauth/token" {
			answer(w, http.StatusBadRequest, `{"error":"authorization_pending","error_description":"waiting"}`)
			cancel()
			return true
		}
		return false
	})
	_, err := auth.Login(ctx, auth.LoginOptions{API: y.api})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Login after cancel: %v, want context.Canceled", err)
	}
	if n := len(y.polls()); n != 1 {
		t.Errorf("%d polls, want 1: polling goes on after the cancel", n)
	}
}

// TestLoginSlowDown: the registry's clock stands still for one poll, so
// it judges that poll early and answers slow_down. From then on ship
// must wait 5 s more; had it not, the registry (whose clock otherwise
// follows the wall clock) would answer slow_down again and again.
func TestLoginSlowDown(t *testing.T) {
	t.Parallel()
	y := newShipyard(t, 0)
	u := y.AddUser(t, "ada")
	var userCode string
	last := time.Now()
	y.setIntercept(func(n int, _ http.ResponseWriter, r *http.Request) bool {
		now := time.Now()
		gap := now.Sub(last)
		last = now
		if r.URL.Path != "/api/oauth/token" {
			return false
		}
		switch len(y.polls()) {
		case 2: // the stall: the registry's clock does not move
		case 3: // the person has approved meanwhile
			y.Clock.Advance(gap)
			if err := y.OAuth(t).Approve(context.Background(), userCode, u, []string{oauth.ScopeRepositories}, store.KeyUse{}); err != nil {
				t.Error(err)
			}
		default:
			y.Clock.Advance(gap)
		}
		return false
	})
	c, err := auth.Login(context.Background(), auth.LoginOptions{
		API:    y.api,
		OnCode: func(code auth.DeviceCode) { userCode = code.UserCode },
	})
	if err != nil {
		t.Fatalf("Login: %v (polls at %v)", err, y.polls())
	}
	if y.whoami(c.AccessToken) != "ada" {
		t.Error("the access token does not work")
	}
	polls := y.polls()
	if len(polls) != 3 {
		t.Fatalf("%d polls, want 3: pending, slow_down, success", len(polls))
	}
	start := y.seen("/api/oauth/device_authorization", "")[0].at
	interval := oauth.PollInterval
	if d := polls[0].at.Sub(start); d < interval {
		t.Errorf("first poll %v after the code, want at least the interval %v", d, interval)
	}
	if d := polls[1].at.Sub(start); d < 2*interval {
		t.Errorf("second poll %v after the code, want at least two intervals", d)
	}
	if d := polls[2].at.Sub(polls[1].at); d < interval+5*time.Second {
		t.Errorf("poll after slow_down came %v after the one slowed down, want at least %v", d, interval+5*time.Second)
	}
}

// TestLoginSurvivesAFailedPoll: a 502 while waiting (a proxy restarting)
// does not end the login.
func TestLoginSurvivesAFailedPoll(t *testing.T) {
	t.Parallel()
	y := newShipyard(t, 0)
	u := y.AddUser(t, "ada")
	var userCode string
	y.setIntercept(func(_ int, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/api/oauth/token" {
			return false
		}
		y.Clock.Advance(oauth.PollInterval + time.Second)
		if len(y.polls()) == 1 {
			if err := y.OAuth(t).Approve(context.Background(), userCode, u, []string{oauth.ScopeRepositories}, store.KeyUse{}); err != nil {
				t.Error(err)
			}
			http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
			return true
		}
		return false
	})
	c, err := auth.Login(context.Background(), auth.LoginOptions{
		API:    y.api,
		OnCode: func(code auth.DeviceCode) { userCode = code.UserCode },
	})
	if err != nil {
		t.Fatal(err)
	}
	if y.whoami(c.AccessToken) != "ada" {
		t.Error("the access token does not work")
	}
	if n := len(y.polls()); n != 2 {
		t.Errorf("%d polls, want 2", n)
	}
}

// stubDevice is a registry that answers device authorization with body
// and every poll with authorization_pending, counting the polls.
func stubDevice(t *testing.T, body string) (api string, polls *int) {
	polls = new(int)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/oauth/device_authorization":
			answer(w, http.StatusOK, body)
		case "/api/oauth/token":
			*polls++
			answer(w, http.StatusBadRequest, `{"error":"authorization_pending"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api", polls
}

func TestLoginRefusesVerificationAddressesThatAreNotWeb(t *testing.T) {
	for _, tc := range []struct{ name, uri, complete string }{
		{"javascript", "javascript:alert(1)", ""},
		{"file", "file:///etc/passwd", ""},
		{"custom scheme", "ship-evil://approve", ""},
		{"relative", "/oauth/device", ""},
		{"missing", "", ""},
		{"bad complete", "https://example.test/device", "javascript:alert(1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"device_code":"dc","user_code":"BCDF-GHJK","verification_uri":"` + tc.uri + `","expires_in":600,"interval":5`
			if tc.complete != "" {
				body += `,"verification_uri_complete":"` + tc.complete + `"`
			}
			api, polls := stubDevice(t, body+"}")
			shown := false
			_, err := auth.Login(context.Background(), auth.LoginOptions{API: api, OnCode: func(auth.DeviceCode) { shown = true }})
			if err == nil || !strings.Contains(err.Error(), "verification_uri") {
				t.Fatalf("Login: %v, want a refusal naming the verification address", err)
			}
			if shown || *polls != 0 {
				t.Errorf("shown %v, %d polls: want neither", shown, *polls)
			}
		})
	}
}

func TestLoginRefusesUnprintableUserCode(t *testing.T) {
	api, _ := stubDevice(t, `{"device_code":"dc","user_code":"AB\u001b[2JCD","verification_uri":"https://example.test/device","expires_in":600}`)
	_, err := auth.Login(context.Background(), auth.LoginOptions{API: api, OnCode: func(auth.DeviceCode) { t.Error("an unprintable code was shown") }})
	if err == nil {
		t.Fatal("Login accepted a user code with an escape sequence")
	}
}

// TestLoginLocalDeadline: the code's own expiry ends the login even when
// the registry keeps answering authorization_pending.
func TestLoginLocalDeadline(t *testing.T) {
	api, _ := stubDevice(t, `{"device_code":"dc","user_code":"BCDFGHJK","verification_uri":"https://example.test/device","expires_in":1,"interval":1}`)
	_, err := auth.Login(context.Background(), auth.LoginOptions{API: api})
	if !errors.Is(err, auth.ErrCodeExpired) {
		t.Fatalf("Login past the code's expiry: %v, want ErrCodeExpired", err)
	}
}

func TestLoginReportsTheRegistrysRefusal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(w, http.StatusUnauthorized, `{"error":"invalid_client","error_description":"Invalid client\u001b[31m"}`)
	}))
	defer srv.Close()
	_, err := auth.Login(context.Background(), auth.LoginOptions{API: srv.URL + "/api"})
	if err == nil || !strings.Contains(err.Error(), "Invalid client") || strings.ContainsRune(err.Error(), 0x1b) {
		t.Fatalf("Login: %v, want the registry's description without control characters", err)
	}
}
