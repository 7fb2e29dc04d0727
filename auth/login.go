package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"golang.org/x/oauth2"
)

// DeviceCode is what a person needs to approve a login: the code to type
// at the verification address, or the complete address that carries it.
type DeviceCode struct {
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string // "" when the registry gives none
	ExpiresAt               time.Time
}

// LoginOptions configure Login.
type LoginOptions struct {
	API        string           // API base URL, e.g. http://127.0.0.1:4000/api (no trailing slash)
	DeviceName string           // sent as `name`: the session is listed under it on the website
	HTTP       *http.Client     // nil: a default with timeouts
	OnCode     func(DeviceCode) // called once, before polling, to show the code
}

// loginScopes are what ship asks for, as the Hex client does: the whole
// API (the server grants the write half only to accounts with 2FA) and
// the private repositories.
var loginScopes = []string{"api", "repositories"}

// defaultCodeLifetime is the local deadline when a registry leaves out
// expires_in (it must not, RFC 8628 §3.2): without one, polling would go
// on until the caller gives up.
const defaultCodeLifetime = 15 * time.Minute

// maxPollFailures is how many failed polls (network errors, 5xx answers)
// a login survives: ten minutes on a laptop's wifi may well see one.
const maxPollFailures = 3

// Login runs the device flow: it asks the registry for a code, hands it
// to OnCode, then polls until the person approves or denies it in a
// browser, the code expires, or ctx ends. Errors: ErrDenied,
// ErrCodeExpired, ctx.Err(), or a sentence about what the registry said.
// The credentials are not stored: that is the caller's choice to make.
func Login(ctx context.Context, o LoginOptions) (*Credentials, error) {
	api := trimAPI(o.API)
	if api == "" {
		return nil, errors.New("no registry API URL to log in to")
	}
	cfg := &oauth2.Config{ClientID: ClientID, Scopes: loginScopes, Endpoint: endpoint(api)}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, authClient(o.HTTP))

	var opts []oauth2.AuthCodeOption
	if o.DeviceName != "" {
		opts = append(opts, oauth2.SetAuthURLParam("name", o.DeviceName))
	}
	da, err := cfg.DeviceAuth(ctx, opts...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, serverError("starting the login", err)
	}
	if err := checkDeviceAuth(da); err != nil {
		return nil, err
	}
	if da.Expiry.IsZero() {
		da.Expiry = time.Now().Add(defaultCodeLifetime)
	}
	if o.OnCode != nil {
		o.OnCode(DeviceCode{
			UserCode:                da.UserCode,
			VerificationURI:         da.VerificationURI,
			VerificationURIComplete: da.VerificationURIComplete,
			ExpiresAt:               da.Expiry,
		})
	}
	da.Interval = pollInterval(da.Interval)
	tok, err := poll(ctx, cfg, da)
	if err != nil {
		return nil, err
	}
	return credentialsFrom(tok, time.Now(), loginScopes)
}

// checkDeviceAuth refuses a device authorization answer that would put
// something other than a web address, or unprintable characters, in
// front of the person (anchors §3: only http and https, as gh does).
func checkDeviceAuth(da *oauth2.DeviceAuthResponse) error {
	if da.DeviceCode == "" || da.UserCode == "" {
		return errors.New("starting the login: the registry's answer has no device code or user code")
	}
	if strings.IndexFunc(da.UserCode, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
		return errors.New("starting the login: the registry's user code has characters that cannot be shown")
	}
	if err := checkWebURL(da.VerificationURI); err != nil {
		return fmt.Errorf("starting the login: the registry's verification_uri %w", err)
	}
	if da.VerificationURIComplete != "" {
		if err := checkWebURL(da.VerificationURIComplete); err != nil {
			return fmt.Errorf("starting the login: the registry's verification_uri_complete %w", err)
		}
	}
	return nil
}

// checkWebURL accepts absolute http and https URLs. The error completes a
// sentence and does not quote the address (a hostile one is the reason
// for the check).
func checkWebURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return errors.New("is missing")
	case err != nil:
		return errors.New("is not a valid URL; refusing to show it")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("is not an http or https address; refusing to show it")
	case u.Host == "":
		return errors.New("has no host; refusing to show it")
	}
	return nil
}

// maxInterval caps the polling interval a registry may ask for: more is
// surely a mistake, and the code's expiry ends the login anyway.
const maxInterval = 300

// pollInterval is the registry's interval (5 s when absent, RFC 8628
// §3.2) plus 20%, at least a second: clocks in VMs drift, and a poll that
// reaches the server a little early is answered slow_down, which then
// slows every later poll by 5 s. x/oauth2 adds those 5 s on slow_down
// itself.
func pollInterval(server int64) int64 {
	if server <= 0 {
		server = 5
	}
	server = min(server, maxInterval)
	return server + (server+4)/5
}

// poll waits for the person's decision. x/oauth2 returns on the first
// error other than authorization_pending and slow_down; a failed request
// (network, 5xx) is polled again, up to maxPollFailures times, after
// another interval.
func poll(ctx context.Context, cfg *oauth2.Config, da *oauth2.DeviceAuthResponse) (*oauth2.Token, error) {
	for failures := 0; ; failures++ {
		tok, err := cfg.DeviceAccessToken(ctx, da)
		if err == nil {
			return tok, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// x/oauth2 stops at the code's expiry with its own context's
		// error; a timed-out request reads the same, so ask the clock.
		if !time.Now().Before(da.Expiry) {
			return nil, ErrCodeExpired
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			switch re.ErrorCode {
			case "access_denied":
				return nil, ErrDenied
			case "expired_token":
				return nil, ErrCodeExpired
			}
			if !transient(re) {
				return nil, serverError("waiting for the login to be approved", err)
			}
		}
		if failures == maxPollFailures {
			return nil, serverError("waiting for the login to be approved", err)
		}
	}
}

// transient reports whether a failed token request may succeed if made
// again: the server failed, or was too busy, rather than refused.
func transient(re *oauth2.RetrieveError) bool {
	switch re.ErrorCode {
	case "server_error", "temporarily_unavailable":
		return true
	case "":
		return re.Response == nil || re.Response.StatusCode >= 500 || re.Response.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// credentialsFrom records a token response received at now. requested
// are the scopes asked for: a response without `scope` grants exactly
// those (RFC 6749 §5.1). A lifetime that is not positive is no lifetime:
// such credentials are refreshed only when the registry refuses them.
func credentialsFrom(tok *oauth2.Token, now time.Time, requested []string) (*Credentials, error) {
	if !headerSafe(tok.AccessToken) || (tok.RefreshToken != "" && !headerSafe(tok.RefreshToken)) {
		return nil, errors.New("the registry's answer holds a token that cannot be sent back in a header")
	}
	now = now.UTC()
	c := &Credentials{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, IssuedAt: now}
	var life time.Duration
	switch {
	case tok.ExpiresIn != 0:
		life = time.Duration(tok.ExpiresIn) * time.Second
	case !tok.Expiry.IsZero():
		// A form-encoded answer: x/oauth2 computed the expiry on the wall
		// clock; keep the lifetime, on ours.
		life = time.Until(tok.Expiry).Round(time.Second)
	}
	if life > 0 {
		c.ExpiresAt = now.Add(life)
	}
	if s, ok := tok.Extra("scope").(string); ok {
		c.Scopes = strings.Fields(s)
	} else {
		c.Scopes = append([]string(nil), requested...)
	}
	return c, nil
}

// headerSafe reports whether a token is visible ASCII, as RFC 6750's
// b64token and every real token is: anything else would break, or
// smuggle something into, the Authorization header.
func headerSafe(token string) bool {
	if token == "" {
		return false
	}
	for i := 0; i < len(token); i++ {
		if token[i] < 0x21 || token[i] > 0x7e {
			return false
		}
	}
	return true
}
