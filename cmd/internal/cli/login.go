package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/auth/tokenstore"
	"github.com/hexship/ship/cmd/internal/shipconfig"
	"github.com/mdp/qrterminal/v3"
)

// loginOptions are the choices of a device-flow login.
type loginOptions struct {
	noBrowser bool
	insecure  bool // keep the tokens in a file, not the keyring
}

// login runs the device flow, stores the tokens and remembers the
// registry as the default. The keyring is checked before anything is
// shown, so a broken one fails at once, with advice, having written
// nothing anywhere.
func (s *session) login(ctx context.Context, o loginOptions) (*auth.Credentials, error) {
	kind, err := s.storeKind()
	if err != nil {
		return nil, err
	}
	if o.insecure {
		kind = tokenstore.KindFile
	}
	if kind == tokenstore.KindKeyring {
		if err := tokenstore.ProbeKeyring(keyringWait); err != nil {
			return nil, fmt.Errorf("%w\nship keeps tokens in the system keyring and will not write them to disk unasked. Fix the keyring, or run `ship auth --insecure-storage` to keep them in a file only you can read (%s)",
				err, tokenstore.NewFile(s.dir).Where())
		}
	}
	host, _ := os.Hostname()
	creds, err := auth.Login(ctx, auth.LoginOptions{
		API:        s.api,
		DeviceName: host,
		HTTP:       s.http,
		OnCode:     func(c auth.DeviceCode) { s.showCode(c, o.noBrowser) },
	})
	switch {
	case errors.Is(err, auth.ErrDenied):
		return nil, errors.New("the login was denied in the browser; nothing was stored")
	case errors.Is(err, auth.ErrCodeExpired):
		return nil, errors.New("the code expired before the login was approved; run `ship auth` again for a new one")
	case err != nil:
		return nil, err
	}
	bearer := auth.AuthorizationHeader(creds.AccessToken)
	c := s.anonymous()
	c.Credential = func(context.Context) (string, error) { return bearer, nil }
	me, err := c.Me(ctx)
	if err != nil {
		return nil, fmt.Errorf("the login was approved, but asking who it belongs to failed: %w", err)
	}
	creds.Username = me.Username

	s.store = s.openStore(kind)
	s.source = &auth.Source{API: s.api, Store: s.store, LockDir: s.dir, HTTP: s.http}
	// The login this one replaces is revoked on the registry (best
	// effort), so logging in again leaves no forgotten session behind.
	if _, err := s.source.Load(); err == nil {
		s.source.Logout(ctx)
	}
	if err := s.source.Save(creds); err != nil {
		return nil, s.loginNeeded(err)
	}
	s.cfg.Registry = s.api
	s.cfg.TokenStore = ""
	if kind == tokenstore.KindFile {
		s.cfg.TokenStore = string(tokenstore.KindFile)
	}
	if err := s.cfg.Save(s.dir); err != nil {
		return nil, fmt.Errorf("logged in, but remembering the registry failed: %w", err)
	}
	return creds, nil
}

// showCode prints the one-time code and the URL to stderr, before
// anything else, then tries to open the browser when someone will see it.
// The flow never depends on the browser opening.
func (s *session) showCode(c auth.DeviceCode, noBrowser bool) {
	w := s.ios.ErrOut
	code := c.UserCode
	if len(code) == 8 {
		code = code[:4] + "-" + code[4:]
	}
	fmt.Fprintf(w, "! Your one-time code: %s\n", code)
	fmt.Fprintf(w, "  Approve this login at: %s\n", c.VerificationURIComplete)
	fmt.Fprintf(w, "  (or open %s and enter the code)\n", c.VerificationURI)
	if s.ios.IsStderrTTY() {
		qrterminal.GenerateWithConfig(c.VerificationURIComplete, qrterminal.Config{
			Level: qrterminal.L, Writer: w, HalfBlocks: true,
			BlackChar: qrterminal.BLACK_BLACK, WhiteBlackChar: qrterminal.WHITE_BLACK,
			WhiteChar: qrterminal.WHITE_WHITE, BlackWhiteChar: qrterminal.BLACK_WHITE, QuietZone: 1,
		})
	}
	if !noBrowser && canOpenBrowser(s.ios) {
		if err := openBrowser(c.VerificationURIComplete); err != nil {
			fmt.Fprintf(w, "  Could not open a browser (%v); open the URL yourself.\n", err)
		} else {
			fmt.Fprintln(w, "  Opened it in your browser.")
		}
	}
	left := time.Until(c.ExpiresAt).Round(time.Minute)
	fmt.Fprintf(w, "Waiting for approval (the code expires in %v; Ctrl-C to stop)...\n", strings.TrimSuffix(left.String(), "0s"))
}

// describeLogin says who is logged in, where, and whether the login can
// write.
func (s *session) describeLogin(c *auth.Credentials) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Logged in to %s as %s (tokens in %s).\n", shipconfig.Site(s.api), c.Username, s.store.Where())
	if c.CanWrite() {
		b.WriteString("This login can publish and manage owners; each write asks for a two-factor code.\n")
	} else {
		b.WriteString(enable2FAAdvice(s.api) + "\n")
	}
	return b.String()
}

// offerLogin renews an ended login in the browser, when the person agrees,
// so the command can go on.
func (s *session) offerLogin(ctx context.Context, why *loginNeededError) error {
	fmt.Fprintln(s.ios.ErrOut, why.reason)
	ok, err := s.confirm("Log in again in your browser and continue?", true)
	if err != nil {
		return err
	}
	if !ok {
		return errCancelled
	}
	c, err := s.login(ctx, loginOptions{})
	if err != nil {
		return err
	}
	fmt.Fprint(s.ios.ErrOut, s.describeLogin(c))
	return nil
}
