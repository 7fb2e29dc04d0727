package httpapi_test

import (
	"context"
	"net/http"
	"net/url"

	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

// form sends params urlencoded, as RFC 6749 clients do.
func form(params map[string]string) option {
	v := url.Values{}
	for k, x := range params {
		v.Set(k, x)
	}
	return body("application/x-www-form-urlencoded", []byte(v.Encode()))
}

// startDevice asks for a device code as ship does and returns the answer.
func (r *testRegistry) startDevice(scope string) map[string]any {
	r.t.Helper()
	return r.call("POST", "/api/oauth/device_authorization",
		form(map[string]string{"client_id": oauth.ShipClientID, "scope": scope, "name": "laptop"})).
		wantStatus(http.StatusOK).object()
}

// poll polls the token endpoint once with a device code.
func (r *testRegistry) poll(deviceCode string) *response {
	r.t.Helper()
	return r.call("POST", "/api/oauth/token", form(map[string]string{
		"grant_type": oauth.GrantDeviceCode, "client_id": oauth.ShipClientID, "device_code": deviceCode,
	}))
}

// refresh exchanges a refresh token.
func (r *testRegistry) refresh(token string) *response {
	r.t.Helper()
	return r.call("POST", "/api/oauth/token", form(map[string]string{
		"grant_type": "refresh_token", "client_id": oauth.ShipClientID, "refresh_token": token,
	}))
}

// tokens is a token response.
type tokens struct{ access, refresh string }

func tokensOf(p *response) tokens {
	p.t.Helper()
	o := p.wantStatus(http.StatusOK).object()
	access, _ := o["access_token"].(string)
	refresh, _ := o["refresh_token"].(string)
	if access == "" {
		p.t.Fatalf("%s: no access_token in %s", p.req, p.body)
	}
	return tokens{access, refresh}
}

// deviceLogin runs the whole device flow for u, approving the scopes
// given (RequiredScope is always granted), and returns the tokens.
func (r *testRegistry) deviceLogin(u *store.User, scopes ...string) tokens {
	r.t.Helper()
	d := r.startDevice("api repositories")
	if err := r.OAuth(r.t).Approve(context.Background(), d["user_code"].(string), u, scopes, store.KeyUse{IP: "127.0.0.1"}); err != nil {
		r.t.Fatal(err)
	}
	return tokensOf(r.poll(d["device_code"].(string)))
}

// bearer authorises a request with an access token.
func bearer(token string) option { return auth("Bearer " + token) }

// otpHeader sends a TOTP code.
func otpHeader(code string) option { return header("x-hex-otp", code) }

// oauthError checks an OAuth error answer.
func (p *response) wantOAuthError(status int, code string) {
	p.t.Helper()
	p.wantStatus(status)
	if got := p.object()["error"]; got != code {
		p.t.Fatalf("%s: error %v, want %q; body: %s", p.req, got, code, p.body)
	}
}

// wantChallenge checks the www-authenticate header.
func (p *response) wantChallenge(want string) *response {
	p.t.Helper()
	if got := p.header.Get("www-authenticate"); got != want {
		p.t.Fatalf("%s: www-authenticate %q, want %q", p.req, got, want)
	}
	return p
}
