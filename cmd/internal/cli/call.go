package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hexship/ship/cmd/internal/shipconfig"
	"github.com/hexship/ship/registry/api"
	"github.com/hexship/ship/registry/client"
)

// maxOTPTries is how many codes a person may type for one write, as the
// Hex client allows.
const maxOTPTries = 3

// givenOTP is the code supplied for this run: --otp, else $SHIP_OTP, else
// $HEX_OTP. It is used for this run only and never stored.
func givenOTP(flag string) string {
	for _, v := range []string{flag, os.Getenv(envOTP), os.Getenv(envHexOTP)} {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// write runs do, one API write made with the two-factor code it is
// given ("" for none), and answers what the registry asks for: an expired
// access token is refreshed and the write retried once; a two-factor
// challenge is answered with the code given for the run, then with codes
// the person types (at most three), or, with nobody to ask, ends with
// exit code 4 naming the flag. A login that ended is renewed in the
// browser when a person is there to approve it.
func (s *session) write(ctx context.Context, otpFlag string, do func(otp string) error) error {
	code := givenOTP(otpFlag)
	given := code != ""
	refreshed, relogged := false, false
	tries := 0
	for {
		err := do(code)
		var relogin *loginNeededError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &relogin) && !relogged && s.ios.CanPrompt():
			relogged = true
			if err := s.offerLogin(ctx, relogin); err != nil {
				return err
			}
		case (client.IsTokenExpired(err) || rejectedToken(err)) && !refreshed && s.envToken == "":
			refreshed = true
			if err := s.refresh(ctx); err != nil {
				return err
			}
		case client.IsOTPRequired(err) || client.IsOTPInvalid(err):
			if !s.ios.CanPrompt() {
				if given {
					return &AuthError{fmt.Errorf("the two-factor code given for this run was not accepted (it may have expired or been used already); run again with a current one")}
				}
				return &AuthError{fmt.Errorf("%s asks for a two-factor code and there is no terminal to ask for one: run again with --otp CODE or set %s", shipconfig.Site(s.api), envOTP)}
			}
			if tries == maxOTPTries {
				return fmt.Errorf("%d two-factor codes were not accepted; nothing was changed", maxOTPTries)
			}
			if client.IsOTPInvalid(err) {
				fmt.Fprintln(s.ios.ErrOut, "That code was not accepted: it may be wrong, expired or already used.")
			}
			if code, err = s.askOTP(); err != nil {
				return err
			}
			tries++
		default:
			return s.explain(err)
		}
	}
}

// read runs do, one API read, refreshing an expired access token once
// and renewing an ended login in the browser when a person is there.
func (s *session) read(ctx context.Context, do func() error) error {
	return s.write(ctx, "", func(string) error { return do() })
}

// rejectedToken reports hex.pm's answer to an expired or revoked access
// token: it never says token_expired, only "invalid API key". Refreshing
// tells the two apart: it works after an expiry and ends a revoked login.
func rejectedToken(err error) bool {
	var ce *client.Error
	return errors.As(err, &ce) && ce.Status == 401 && ce.Message == api.MsgInvalidKey
}

// refresh renews the access token the registry refused. Another process
// may have renewed it meanwhile; Refresh then uses that one.
func (s *session) refresh(ctx context.Context) error {
	src, err := s.tokens()
	if err != nil {
		return err
	}
	if _, err := src.Refresh(ctx, s.sent); err != nil {
		return s.loginNeeded(err)
	}
	return nil
}

// explain adds what to do to the registry's refusals that a person can
// act on.
func (s *session) explain(err error) error {
	var ce *client.Error
	if !errors.As(err, &ce) {
		return err
	}
	switch {
	case ce.Status == 403 && ce.Message == api.MsgTOTPNotEnabled,
		ce.Status == 401 && ce.Message == api.MsgKeyNotAuthorized && s.readOnlyLogin():
		return fmt.Errorf("%w\n%s", err, enable2FAAdvice(s.api))
	}
	return err
}

// readOnlyLogin reports whether the stored login (not $SHIP_TOKEN) was
// granted no write access.
func (s *session) readOnlyLogin() bool {
	if s.envToken != "" || s.source == nil {
		return false
	}
	c, err := s.source.Load()
	return err == nil && !c.CanWrite()
}

// enable2FAAdvice says how a read-only login becomes one that can write.
func enable2FAAdvice(api string) string {
	return fmt.Sprintf("This login can only read. Turn on two-factor authentication at %s/dashboard/security, then run `ship auth --registry %s` again and allow write access.",
		shipconfig.Site(api), shipconfig.Site(api))
}
