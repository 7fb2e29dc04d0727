package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/MakeNowJust/heredoc"
	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/hexship/ship/cmd/internal/shipconfig"
	"github.com/spf13/cobra"
)

func newAuthCmd(ios *iostreams.IOStreams) *cobra.Command {
	var registry string
	var o loginOptions
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Log in to a registry with your browser",
		Long: heredoc.Doc(`
			Log in with the OAuth device flow: ship shows a one-time code and a
			URL, you approve the login in your browser, and ship keeps the
			tokens in the system keyring, refreshing them silently.

			Without two-factor authentication on your account the login can
			only read; with it, every write asks for a code.
		`),
		Example: heredoc.Doc(`
			$ ship auth --registry https://hex.pm
			$ ship auth --registry http://127.0.0.1:4000 --no-browser
		`),
		Args: ExactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := newSession(ios, registry)
			if err != nil {
				return err
			}
			c, err := s.login(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprint(ios.ErrOut, s.describeLogin(c))
			return nil
		},
	}
	registryFlag(cmd, &registry)
	cmd.Flags().BoolVar(&o.noBrowser, "no-browser", false, "do not open a browser; show the code and URL only")
	cmd.Flags().BoolVar(&o.insecure, "insecure-storage", false, "keep the tokens in a file readable only by you instead of the system keyring")
	cmd.AddCommand(newAuthStatusCmd(ios), newAuthTokenCmd(ios), newAuthLogoutCmd(ios))
	return cmd
}

// status is what `ship auth status --json` prints.
type status struct {
	Registry  string    `json:"registry"`
	LoggedIn  bool      `json:"logged_in"`
	Username  string    `json:"username,omitempty"`
	Scopes    []string  `json:"scopes,omitempty"`
	CanWrite  bool      `json:"can_write"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	Store     string    `json:"store,omitempty"`    // keyring, file or env
	Location  string    `json:"location,omitempty"` // where in that store
}

func newAuthStatusCmd(ios *iostreams.IOStreams) *cobra.Command {
	var registry string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show who is logged in, with what, and where the token is kept",
		Long: heredoc.Doc(`
			Show the registry, the user, the granted scopes, when the access
			token expires (it is refreshed silently) and which store holds it.
			Nothing is sent to the registry. Exits with 4 when not logged in.
		`),
		Args: ExactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := newSession(ios, registry)
			if err != nil {
				return err
			}
			st := status{Registry: shipconfig.Site(s.api)}
			if s.envToken != "" {
				st.LoggedIn, st.Store, st.Location = true, "env", envOf()
			} else {
				src, err := s.tokens()
				if err != nil {
					return err
				}
				c, err := src.Load()
				switch {
				case errors.Is(err, auth.ErrNotLoggedIn):
				case err != nil:
					return s.loginNeeded(err)
				default:
					st.LoggedIn, st.Username, st.Scopes, st.CanWrite, st.ExpiresAt = true, c.Username, c.Scopes, c.CanWrite(), c.ExpiresAt
					st.Store, st.Location = string(s.store.Kind()), s.store.Where()
				}
			}
			if asJSON {
				enc := json.NewEncoder(ios.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(st); err != nil {
					return err
				}
			} else {
				printStatus(ios, st)
			}
			if !st.LoggedIn {
				return &AuthError{fmt.Errorf("not logged in to %s; run: ship auth --registry %s", st.Registry, st.Registry)}
			}
			return nil
		},
	}
	registryFlag(cmd, &registry)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

// envOf names the variable the credential came from.
func envOf() string {
	if v := os.Getenv(envToken); v != "" {
		return envToken
	}
	return envHexKey
}

func printStatus(ios *iostreams.IOStreams, st status) {
	w := ios.Out
	fmt.Fprintf(w, "Registry:  %s\n", st.Registry)
	if !st.LoggedIn {
		fmt.Fprintln(w, "Logged in: no")
		return
	}
	if st.Store == "env" {
		fmt.Fprintf(w, "Credential: from $%s (not stored)\n", st.Location)
		return
	}
	fmt.Fprintf(w, "User:      %s\n", st.Username)
	fmt.Fprintf(w, "Scopes:    %s\n", strings.Join(st.Scopes, " "))
	if st.CanWrite {
		fmt.Fprintln(w, "Can write: yes (each write asks for a two-factor code)")
	} else {
		fmt.Fprintln(w, "Can write: no (read-only login)")
	}
	fmt.Fprintf(w, "Expires:   %s (access token; refreshed silently)\n", st.ExpiresAt.Local().Format(time.RFC1123))
	fmt.Fprintf(w, "Stored in: %s\n", st.Location)
}

func newAuthTokenCmd(ios *iostreams.IOStreams) *cobra.Command {
	var registry string
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print a valid access token, for scripts",
		Long: heredoc.Doc(`
			Print the access token of the stored login to standard output,
			refreshing it first when it is about to expire. It is a secret:
			do not log it.
		`),
		Args: ExactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, src, err := newLoginSession(ios, registry)
			if err != nil {
				return err
			}
			c, err := src.Token(cmd.Context())
			if err != nil {
				return s.loginNeeded(err)
			}
			fmt.Fprintln(ios.Out, c.AccessToken)
			return nil
		},
	}
	registryFlag(cmd, &registry)
	return cmd
}

func newAuthLogoutCmd(ios *iostreams.IOStreams) *cobra.Command {
	var registry string
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the login on the registry and forget it here",
		Long: heredoc.Doc(`
			Revoke the login's session on the registry (best effort), then
			delete the tokens from this machine, even when the registry cannot
			be reached.
		`),
		Args: ExactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, src, err := newLoginSession(ios, registry)
			if err != nil {
				return err
			}
			revoked, err := src.Logout(cmd.Context())
			if errors.Is(err, auth.ErrNotLoggedIn) {
				fmt.Fprintf(ios.ErrOut, "Not logged in to %s; nothing to do.\n", shipconfig.Site(s.api))
				return nil
			}
			if err != nil {
				return s.loginNeeded(err)
			}
			if revoked {
				fmt.Fprintf(ios.ErrOut, "Logged out of %s: the session is revoked and the tokens are deleted from %s.\n", shipconfig.Site(s.api), s.store.Where())
			} else {
				fmt.Fprintf(ios.ErrOut, "Deleted the tokens from %s. The registry could not be reached to revoke the session; it ends by itself within 30 days, or revoke it on the website.\n", s.store.Where())
			}
			return nil
		},
	}
	registryFlag(cmd, &registry)
	return cmd
}
