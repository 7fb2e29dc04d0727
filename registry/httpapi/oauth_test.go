package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

func TestDeviceAuthorizationAnswersAsHexPM(t *testing.T) {
	r := newRegistry(t)
	// hex_core sends Erlang terms and wants them back.
	p := r.call("POST", "/api/oauth/device_authorization", acceptErlang,
		etfBody(t, map[string]any{"client_id": oauth.HexClientID, "scope": "api repositories", "name": "build-box"})).
		wantStatus(http.StatusOK)
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, mediaErlang) {
		t.Fatalf("content-type %q, want Erlang terms", ct)
	}
	d := p.object()
	code, _ := d["user_code"].(string)
	if len(code) != 8 || strings.Trim(code, "23456789BCDFGHJKLMNPQRSTVWXYZ") != "" {
		t.Errorf("user_code %q: want 8 characters of hex.pm's alphabet", code)
	}
	if dc, _ := d["device_code"].(string); len(dc) < 43 {
		t.Errorf("device_code %q: want at least 256 bits", dc)
	}
	if d["verification_uri"] != r.URL+"/oauth/device" || d["verification_uri_complete"] != r.URL+"/oauth/device?user_code="+code {
		t.Errorf("verification URIs %v, %v", d["verification_uri"], d["verification_uri_complete"])
	}
	if d["expires_in"] != int64(600) || d["interval"] != int64(5) {
		t.Errorf("expires_in %v interval %v, want 600 and 5", d["expires_in"], d["interval"])
	}
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("cache-control %q, want no-store", cc)
	}

	r.call("POST", "/api/oauth/device_authorization", form(map[string]string{"scope": "api"})).
		wantOAuthError(http.StatusUnauthorized, "invalid_client")
	r.call("POST", "/api/oauth/device_authorization", form(map[string]string{"client_id": "nope", "scope": "api"})).
		wantOAuthError(http.StatusUnauthorized, "invalid_client")
	r.call("POST", "/api/oauth/device_authorization", form(map[string]string{"client_id": oauth.ShipClientID, "scope": "api admin"})).
		wantOAuthError(http.StatusBadRequest, "invalid_scope")
	r.call("POST", "/api/oauth/token", form(map[string]string{"grant_type": "password", "client_id": oauth.ShipClientID})).
		wantOAuthError(http.StatusBadRequest, "unsupported_grant_type")
}

func TestDevicePendingThenSlowDown(t *testing.T) {
	r := newRegistry(t)
	d := r.startDevice("api")
	dc := d["device_code"].(string)
	r.poll(dc).wantOAuthError(http.StatusBadRequest, "authorization_pending")
	// Polling again at once is faster than the interval.
	r.poll(dc).wantOAuthError(http.StatusBadRequest, "slow_down")
	// The interval is now 10 s: 5 s later is still too early...
	r.Clock.Advance(5 * time.Second)
	r.poll(dc).wantOAuthError(http.StatusBadRequest, "slow_down")
	// ...and after a full slowed-down interval the poll is answered.
	r.Clock.Advance(15 * time.Second)
	r.poll(dc).wantOAuthError(http.StatusBadRequest, "authorization_pending")
}

func TestDeviceExpiredCode(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	d := r.startDevice("api")
	r.Clock.Advance(oauth.DeviceCodeTTL)
	r.poll(d["device_code"].(string)).wantOAuthError(http.StatusBadRequest, "expired_token")
	err := r.OAuth(t).Approve(context.Background(), d["user_code"].(string), u, nil, store.KeyUse{})
	if !errors.Is(err, oauth.ErrExpiredCode) {
		t.Fatalf("approving an expired code: %v, want %v", err, oauth.ErrExpiredCode)
	}
}

func TestDeviceDeniedCode(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	d := r.startDevice("api")
	if err := r.OAuth(t).Deny(context.Background(), strings.ToLower(d["user_code"].(string)), u, store.KeyUse{}); err != nil {
		t.Fatal(err)
	}
	r.poll(d["device_code"].(string)).wantOAuthError(http.StatusForbidden, "access_denied")
	err := r.OAuth(t).Approve(context.Background(), d["user_code"].(string), u, nil, store.KeyUse{})
	if !errors.Is(err, oauth.ErrProcessedCode) {
		t.Fatalf("approving a denied code: %v, want %v", err, oauth.ErrProcessedCode)
	}
}

func TestDeviceCodeSingleUse(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	d := r.startDevice("api repositories")
	code := d["user_code"].(string)
	if err := r.OAuth(t).Approve(context.Background(), code[:4]+"-"+code[4:], u, nil, store.KeyUse{}); err != nil {
		t.Fatal(err)
	}
	tok := tokensOf(r.poll(d["device_code"].(string)))
	if tok.refresh == "" {
		t.Fatal("no refresh token from the device grant")
	}
	r.Clock.Advance(oauth.PollInterval)
	r.poll(d["device_code"].(string)).wantOAuthError(http.StatusBadRequest, "invalid_grant")
	// The tokens of the first poll still work.
	me := r.call("GET", "/api/users/me", bearer(tok.access)).wantStatus(http.StatusOK).object()
	if me["username"] != "ada" {
		t.Errorf("users/me: %v", me)
	}
	// Another client cannot collect a code.
	r.call("POST", "/api/oauth/token", form(map[string]string{
		"grant_type": oauth.GrantDeviceCode, "client_id": oauth.HexClientID, "device_code": d["device_code"].(string),
	})).wantOAuthError(http.StatusUnauthorized, "invalid_client")
}

func TestApprovalWithout2FAGrantsReadOnly(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	d := r.startDevice("api repositories")
	err := r.OAuth(t).Approve(context.Background(), d["user_code"].(string), u, []string{oauth.ScopeWrite}, store.KeyUse{})
	if !errors.Is(err, oauth.ErrWriteNeeds2FA) {
		t.Fatalf("approving api:write without 2FA: %v, want %v", err, oauth.ErrWriteNeeds2FA)
	}
	tok := r.deviceLogin(u, oauth.ScopeRepositories)
	r.call("GET", "/api/users/me", bearer(tok.access)).wantStatus(http.StatusOK)
	r.call("POST", "/api/keys", bearer(tok.access), jsonBody(t, map[string]any{"name": "ci", "permissions": []any{map[string]any{"domain": "api"}}})).
		wantError(http.StatusUnauthorized, "key not authorized for this action", nil)
}

func TestWritesNeedTOTP(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	secret := r.Enrol(t, u)
	tok := r.deviceLogin(u, oauth.ScopeWrite)
	tar := build(t, metadata("otp_pkg", "1.0.0"))
	publish := func(opts ...option) *response {
		return r.call("POST", "/api/packages/otp_pkg/releases", append(opts, bearer(tok.access), body(mediaTar, tar))...)
	}

	p := publish()
	p.wantError(http.StatusUnauthorized, "Two-factor authentication required. Include X-Hex-OTP header with your TOTP code.", nil)
	p.wantChallenge(`Bearer realm="hex", error="totp_required"`)
	p = publish(otpHeader("000000"))
	if r.Code(t, secret, 0) == "000000" {
		t.Skip("the real code happens to be 000000")
	}
	p.wantError(http.StatusUnauthorized, "Invalid two-factor authentication code", nil)
	p.wantChallenge(`Bearer realm="hex", error="invalid_totp"`)

	publish(otpHeader(r.Code(t, secret, 0))).wantStatus(http.StatusCreated)
	// The Hex client sends the same code again for the docs: same session,
	// same step, accepted.
	r.call("POST", "/api/packages/otp_pkg/releases/1.0.0/retire", bearer(tok.access), otpHeader(r.Code(t, secret, 0)),
		jsonBody(t, map[string]any{"reason": "other", "message": "test"})).wantStatus(http.StatusNoContent)
	// Reads need no code.
	r.call("GET", "/api/packages/otp_pkg", bearer(tok.access)).wantStatus(http.StatusOK)
	// API keys are not asked for one, as on hex.pm.
	key := r.AddKey(t, u, "ci")
	r.call("DELETE", "/api/packages/otp_pkg/releases/1.0.0/retire", auth(key)).wantStatus(http.StatusNoContent)
}

func TestWritesRefusedWhen2FADisabledAfterLogin(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	r.Enrol(t, u)
	tok := r.deviceLogin(u, oauth.ScopeWrite)
	if err := r.Checker(t).Disable(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	r.call("POST", "/api/packages/x/releases", bearer(tok.access), otpHeader("123456"), body(mediaTar, build(t, metadata("x", "1.0.0")))).
		wantError(http.StatusForbidden, "Two-factor authentication must be enabled for API write access", nil)
}

func TestOTPReplayAcrossSessionsRefused(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	secret := r.Enrol(t, u)
	laptop := r.deviceLogin(u, oauth.ScopeWrite)
	r.Clock.Advance(oauth.PollInterval)
	stolen := r.deviceLogin(u, oauth.ScopeWrite)
	code := r.Code(t, secret, 0)
	r.call("POST", "/api/packages/p1/releases", bearer(laptop.access), otpHeader(code), body(mediaTar, build(t, metadata("p1", "1.0.0")))).
		wantStatus(http.StatusCreated)
	// The same code, seen by another session within its window, is a replay.
	r.call("POST", "/api/packages/p2/releases", bearer(stolen.access), otpHeader(code), body(mediaTar, build(t, metadata("p2", "1.0.0")))).
		wantError(http.StatusUnauthorized, "Invalid two-factor authentication code", nil)
	// The next step's code works for it.
	r.Clock.Advance(twofactor.Period)
	r.call("POST", "/api/packages/p2/releases", bearer(stolen.access), otpHeader(r.Code(t, secret, 0)), body(mediaTar, build(t, metadata("p2", "1.0.0")))).
		wantStatus(http.StatusCreated)
}

func TestOTPRateLimit(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	secret := r.Enrol(t, u)
	tok := r.deviceLogin(u, oauth.ScopeWrite)
	wrong := "000000"
	if r.Code(t, secret, 0) == wrong || r.Code(t, secret, -1) == wrong || r.Code(t, secret, 1) == wrong {
		wrong = "999999"
	}
	for i := 0; i < twofactor.UserLimit.Max; i++ {
		r.call("DELETE", "/api/keys/none", bearer(tok.access), otpHeader(wrong)).
			wantError(http.StatusUnauthorized, "Invalid two-factor authentication code", nil)
	}
	// Locked out: even the right code is refused, with 429 and no challenge.
	p := r.call("DELETE", "/api/keys/none", bearer(tok.access), otpHeader(r.Code(t, secret, 0)))
	p.wantError(http.StatusTooManyRequests, "Too many failed two-factor authentication attempts. Please try again later.", nil)
	p.wantChallenge("")
	r.Clock.Advance(twofactor.UserLimit.Window + time.Second)
	r.call("DELETE", "/api/keys/none", bearer(tok.access), otpHeader(r.Code(t, secret, 0))).wantStatus(http.StatusNotFound)
}

func TestRefreshRotation(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	first := r.deviceLogin(u)
	r.Clock.Advance(time.Minute)
	second := tokensOf(r.refresh(first.refresh))
	if second.refresh == "" || second.refresh == first.refresh || second.access == first.access {
		t.Fatalf("refresh did not rotate: %+v then %+v", first, second)
	}
	r.call("GET", "/api/users/me", bearer(second.access)).wantStatus(http.StatusOK)
	// The session keeps its first expiry: 30 days from approval, however
	// often it is refreshed.
	r.Clock.Advance(oauth.SessionTTL - time.Minute)
	r.refresh(second.refresh).wantOAuthError(http.StatusBadRequest, "invalid_grant")
}

func TestRefreshGraceWindowReturnsSamePair(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	first := r.deviceLogin(u)
	// Eight processes refresh with the same token at once: all succeed,
	// all get one pair.
	var wg sync.WaitGroup
	got := make([]*response, 8)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = r.refresh(first.refresh) }()
	}
	wg.Wait()
	want := tokensOf(got[0])
	for _, p := range got[1:] {
		if tok := tokensOf(p); tok != want {
			t.Fatalf("concurrent refreshes got different pairs: %+v and %+v", want, tok)
		}
	}
	r.Clock.Advance(oauth.RefreshGrace)
	if tok := tokensOf(r.refresh(first.refresh)); tok != want {
		t.Fatalf("refresh within the grace window: %+v, want %+v", tok, want)
	}
	// The new pair rotates normally.
	tokensOf(r.refresh(want.refresh))
}

func TestRefreshReuseAfterGraceRevokesSession(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	first := r.deviceLogin(u)
	second := tokensOf(r.refresh(first.refresh))
	r.Clock.Advance(oauth.RefreshGrace + time.Second)
	// The old refresh token again, after the grace window: a stolen copy.
	r.refresh(first.refresh).wantOAuthError(http.StatusBadRequest, "invalid_grant")
	// The whole session is gone: the legitimate pair too.
	r.refresh(second.refresh).wantOAuthError(http.StatusBadRequest, "invalid_grant")
	r.call("GET", "/api/users/me", bearer(second.access)).wantError(http.StatusUnauthorized, "invalid API key", nil)
}

func TestExpiredAccessTokenAsksForRefresh(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	tok := r.deviceLogin(u)
	r.Clock.Advance(oauth.DefaultAccessTTL)
	r.call("GET", "/api/users/me", bearer(tok.access)).
		wantChallenge(`Bearer realm="hex", error="token_expired"`).
		wantError(http.StatusUnauthorized, "access token expired", nil)
	fresh := tokensOf(r.refresh(tok.refresh))
	r.call("GET", "/api/users/me", bearer(fresh.access)).wantStatus(http.StatusOK)
	// Garbage and refresh tokens are not access tokens.
	r.call("GET", "/api/users/me", bearer("nonsense")).wantError(http.StatusUnauthorized, "invalid API key", nil)
	r.call("GET", "/api/users/me", bearer(fresh.refresh)).wantError(http.StatusUnauthorized, "invalid API key", nil)
}

func TestRevoke(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	revoke := func(params map[string]string) {
		t.Helper()
		p := r.call("POST", "/api/oauth/revoke", form(params)).wantStatus(http.StatusOK)
		if len(p.body) != 0 {
			t.Fatalf("revoke answered a body: %s", p.body)
		}
	}
	// Unknown tokens get the same answer.
	revoke(map[string]string{"client_id": oauth.ShipClientID, "token": "shyr_unknown"})
	revoke(map[string]string{})

	a := r.deviceLogin(u)
	revoke(map[string]string{"client_id": oauth.ShipClientID, "token": a.access})
	r.call("GET", "/api/users/me", bearer(a.access)).wantStatus(http.StatusUnauthorized)
	// Revoking an access token leaves the session: the refresh token works.
	a2 := tokensOf(r.refresh(a.refresh))
	// Revoking a refresh token ends the session, access tokens included.
	revoke(map[string]string{"client_id": oauth.ShipClientID, "token": a2.refresh})
	r.call("GET", "/api/users/me", bearer(a2.access)).wantStatus(http.StatusUnauthorized)

	// revoke_by_hash: hex SHA-256 of the refresh token.
	r.Clock.Advance(oauth.PollInterval)
	b := r.deviceLogin(u)
	r.call("POST", "/api/oauth/revoke_by_hash", form(map[string]string{"token_hash": oauth.HashToken(b.refresh)})).wantStatus(http.StatusOK)
	r.refresh(b.refresh).wantOAuthError(http.StatusBadRequest, "invalid_grant")
}

func TestClientCredentialsExchange(t *testing.T) {
	r := newRegistry(t)
	u := r.AddUser(t, "ada")
	key := r.AddKey(t, u, "reader", permRead)
	exchange := func(secret, scope string) *response {
		return r.call("POST", "/api/oauth/token", acceptErlang, etfBody(t, map[string]any{
			"grant_type": "client_credentials", "client_id": oauth.HexClientID, "client_secret": secret, "scope": scope,
		}))
	}
	p := exchange(key, "api:read").wantStatus(http.StatusOK)
	o := p.object()
	if _, ok := o["refresh_token"]; ok {
		t.Errorf("client_credentials answered a refresh token: %v", o)
	}
	if o["expires_in"] != int64(1800) || o["scope"] != "api:read" {
		t.Errorf("token: %v", o)
	}
	r.call("GET", "/api/users/me", bearer(o["access_token"].(string))).wantStatus(http.StatusOK)
	exchange(key, "api:write").wantOAuthError(http.StatusBadRequest, "invalid_scope")
	exchange("", "api:read").wantOAuthError(http.StatusBadRequest, "invalid_request")
	exchange(strings.Repeat("0", 32), "api:read").wantOAuthError(http.StatusUnauthorized, "invalid_client")
}
