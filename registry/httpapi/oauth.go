package httpapi

import (
	"errors"
	"net/http"

	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

// The OAuth endpoints answer errors with RFC 6749's {error,
// error_description} body rather than hex.pm's API envelope, as hex.pm
// does, in JSON or Erlang terms like every other answer.

// registerOAuth adds the OAuth endpoints under /api/oauth.
func (a *API) registerOAuth(mux *http.ServeMux) {
	mux.Handle("POST /api/oauth/device_authorization", a.serveOAuth(a.deviceAuthorization))
	mux.Handle("POST /api/oauth/token", a.serveOAuth(a.token))
	mux.Handle("POST /api/oauth/revoke", a.serveOAuth(a.revokeToken))
	mux.Handle("POST /api/oauth/revoke_by_hash", a.serveOAuth(a.revokeByHash))
}

// serveOAuth renders an *oauth.Error as an OAuth error body; other errors
// go the API's usual way. No answer of these endpoints may be cached: they
// carry secrets (RFC 6749 §5.1).
func (a *API) serveOAuth(h handlerFunc) http.Handler {
	return a.serve(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		err := h(w, r)
		var oe *oauth.Error
		if errors.As(err, &oe) {
			writeBody(w, r, oe.Status(), map[string]any{"error": oe.Code, "error_description": oe.Description})
			return nil
		}
		return err
	})
}

func (a *API) deviceAuthorization(w http.ResponseWriter, r *http.Request) error {
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	resp, err := a.OAuth.DeviceAuthorization(ctx(r), oauth.DeviceRequest{
		ClientID:  param(params, "client_id"),
		Scope:     param(params, "scope"),
		Name:      param(params, "name"),
		IP:        clientIP(r),
		UserAgent: r.UserAgent(),
	})
	if err != nil {
		return err
	}
	writeBody(w, r, http.StatusOK, map[string]any{
		"device_code":               resp.DeviceCode,
		"user_code":                 resp.UserCode,
		"verification_uri":          resp.VerificationURI,
		"verification_uri_complete": resp.VerificationURIComplete,
		"expires_in":                resp.ExpiresIn,
		"interval":                  resp.Interval,
	})
	return nil
}

func (a *API) token(w http.ResponseWriter, r *http.Request) error {
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	resp, err := a.OAuth.Token(ctx(r), oauth.TokenRequest{
		GrantType:    param(params, "grant_type"),
		ClientID:     param(params, "client_id"),
		DeviceCode:   param(params, "device_code"),
		RefreshToken: param(params, "refresh_token"),
		ClientSecret: param(params, "client_secret"),
		Scope:        param(params, "scope"),
		Name:         param(params, "name"),
	})
	if err != nil {
		return err
	}
	body := map[string]any{
		"access_token": resp.AccessToken,
		"token_type":   resp.TokenType,
		"expires_in":   resp.ExpiresIn,
		"scope":        resp.Scope,
	}
	if resp.RefreshToken != "" {
		body["refresh_token"] = resp.RefreshToken
	}
	writeBody(w, r, http.StatusOK, body)
	return nil
}

// revokeToken is RFC 7009: always 200 with an empty body, known token or
// not, so the endpoint tells nothing about which tokens exist.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	if err := a.OAuth.Revoke(ctx(r), param(params, "client_id"), param(params, "token")); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *API) revokeByHash(w http.ResponseWriter, r *http.Request) error {
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	if err := a.OAuth.RevokeByHash(ctx(r), param(params, "token_hash")); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// param is a string parameter, "" when absent or not a string.
func param(params map[string]any, key string) string {
	s, _ := str(params, key)
	return s
}
