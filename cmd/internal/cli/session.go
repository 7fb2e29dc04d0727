package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/auth/tokenstore"
	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/hexship/ship/cmd/internal/shipconfig"
	"github.com/hexship/ship/registry/client"
	"github.com/spf13/cobra"
)

// Environment variables for CI: a credential and a two-factor code given
// for one run, never stored. The HEX_ names are the Hex client's.
const (
	envToken    = "SHIP_TOKEN"
	envHexKey   = "HEX_API_KEY"
	envOTP      = "SHIP_OTP"
	envHexOTP   = "HEX_OTP"
	keyringWait = 3 * time.Second // a locked Secret Service would hang forever
)

// session is what a command that talks to a registry needs: which
// registry, which credentials, and a client. Nothing touches the keyring
// until a credential is needed.
type session struct {
	ios      *iostreams.IOStreams
	api      string // registry API URL
	dir      string // config directory
	cfg      *shipconfig.Config
	envToken string // SHIP_TOKEN or HEX_API_KEY, when set
	http     *http.Client

	store  tokenstore.Store // opened on first use
	source *auth.Source
	sent   string // the access token of the last request, to refresh after a refusal
}

// registryFlag adds --registry to a command.
func registryFlag(cmd *cobra.Command, into *string) {
	cmd.Flags().StringVar(into, "registry", "", "registry URL (default $SHIP_REGISTRY, else the one `ship auth` last used, else https://hex.pm)")
}

// newSession resolves the registry: --registry, $SHIP_REGISTRY, the
// remembered default, hex.pm.
func newSession(ios *iostreams.IOStreams, registry string) (*session, error) {
	dir, err := shipconfig.Dir()
	if err != nil {
		return nil, err
	}
	cfg, err := shipconfig.Load(dir)
	if err != nil {
		return nil, err
	}
	raw, fromFlag := registry, registry != ""
	if raw == "" {
		raw = os.Getenv(shipconfig.EnvRegistry)
	}
	if raw == "" {
		raw = cfg.Registry
	}
	if raw == "" {
		raw = shipconfig.DefaultRegistry
	}
	api, err := shipconfig.NormalizeRegistry(raw)
	if err != nil {
		if fromFlag {
			return nil, &FlagError{fmt.Errorf("--registry: %w", err)}
		}
		return nil, err
	}
	s := &session{ios: ios, api: api, dir: dir, cfg: cfg, http: newHTTPClient()}
	if t := os.Getenv(envToken); t != "" {
		s.envToken = t
	} else if t := os.Getenv(envHexKey); t != "" {
		s.envToken = t
	}
	return s, nil
}

// newHTTPClient bounds what a dead or trickling server can make ship wait
// for, leaving uploads as long as they need.
func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 2 * time.Minute
	tr.ExpectContinueTimeout = 5 * time.Second
	return &http.Client{Transport: tr}
}

// newLoginSession is newSession with the stored login's source, for the
// commands that manage the login itself.
func newLoginSession(ios *iostreams.IOStreams, registry string) (*session, *auth.Source, error) {
	s, err := newSession(ios, registry)
	if err != nil {
		return nil, nil, err
	}
	src, err := s.tokens()
	if err != nil {
		return nil, nil, err
	}
	return s, src, nil
}

// storeKind is the token store to use: $SHIP_TOKEN_STORE, else the one the
// person chose at login, else the keyring.
func (s *session) storeKind() (tokenstore.Kind, error) {
	switch v := os.Getenv(shipconfig.EnvTokenStore); v {
	case "":
	case string(tokenstore.KindKeyring), string(tokenstore.KindFile):
		return tokenstore.Kind(v), nil
	default:
		return "", &FlagError{fmt.Errorf("%s=%q: use keyring or file", shipconfig.EnvTokenStore, v)}
	}
	if s.cfg.TokenStore == string(tokenstore.KindFile) {
		return tokenstore.KindFile, nil
	}
	return tokenstore.KindKeyring, nil
}

// openStore opens the token store of kind.
func (s *session) openStore(kind tokenstore.Kind) tokenstore.Store {
	if kind == tokenstore.KindFile {
		return tokenstore.NewFile(s.dir)
	}
	return tokenstore.NewKeyring(keyringWait)
}

// tokens is the refreshing source of the stored login.
func (s *session) tokens() (*auth.Source, error) {
	if s.source != nil {
		return s.source, nil
	}
	kind, err := s.storeKind()
	if err != nil {
		return nil, err
	}
	s.store = s.openStore(kind)
	s.source = &auth.Source{API: s.api, Store: s.store, LockDir: s.dir, HTTP: s.http}
	return s.source, nil
}

// client is the API client, authenticated with $SHIP_TOKEN when set, else
// with the stored login, refreshed as needed.
func (s *session) client() *client.Client {
	return &client.Client{API: s.api, HTTP: s.http, UserAgent: userAgent(), Credential: s.credential}
}

// anonymous is a client that sends no credentials.
func (s *session) anonymous() *client.Client {
	return &client.Client{API: s.api, HTTP: s.http, UserAgent: userAgent()}
}

func userAgent() string {
	return fmt.Sprintf("ship/%s (%s; %s/%s)", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// credential is the Authorization header of the next request.
func (s *session) credential(ctx context.Context) (string, error) {
	if s.envToken != "" {
		return auth.AuthorizationHeader(s.envToken), nil
	}
	src, err := s.tokens()
	if err != nil {
		return "", err
	}
	c, err := src.Token(ctx)
	if err != nil {
		return "", s.loginNeeded(err)
	}
	s.sent = c.AccessToken
	return auth.AuthorizationHeader(c.AccessToken), nil
}

// errLoginNeeded marks errors that only a new `ship auth` fixes.
type loginNeededError struct {
	api    string
	reason error
}

func (e *loginNeededError) Error() string {
	return fmt.Sprintf("%v\nRun: ship auth --registry %s", e.reason, shipconfig.Site(e.api))
}

func (e *loginNeededError) Unwrap() error { return e.reason }

// loginNeeded explains a missing or ended login with the command that
// fixes it; other errors pass unchanged.
func (s *session) loginNeeded(err error) error {
	switch {
	case errors.Is(err, auth.ErrNotLoggedIn):
		return &loginNeededError{s.api, fmt.Errorf("not logged in to %s", shipconfig.Site(s.api))}
	case errors.Is(err, auth.ErrSessionEnded):
		return &loginNeededError{s.api, fmt.Errorf("your login to %s has ended (%v)", shipconfig.Site(s.api), err)}
	case errors.Is(err, tokenstore.ErrUnavailable):
		return fmt.Errorf("%w\nLog in again with `ship auth --insecure-storage` to keep tokens in a file only you can read, or set %s", err, envToken)
	}
	return err
}
