package shipyardcli

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"time"

	"github.com/MakeNowJust/heredoc"
	"github.com/hexship/ship/cmd/internal/cli"
	"github.com/hexship/ship/registry/server"
	"github.com/spf13/cobra"
)

type serveOptions struct {
	storage        storageFlags
	addr           string
	publicURL      string
	repoName       string
	accessTokenTTL time.Duration
	noSignup       bool
}

func newServeCmd(stderr io.Writer) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the registry",
		Long: heredoc.Doc(`
			Run the registry: the Hex API under /api (with OAuth device-flow
			login under /api/oauth), the signed repository under /repo, and the
			website (sign-in, two-factor set-up, device approval) at /. With no flags everything is kept under ./shipyard-data,
			created on first start with a new repository signing key.

			Point rebar3 or mix at http://ADDR/repo with the repository name
			given by --repo-name and the key served at /repo/public_key.
		`),
		Args: cli.ExactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serveRun(cmd, opts, stderr)
		},
	}
	fs := cmd.Flags()
	opts.storage.register(fs)
	fs.StringVar(&opts.addr, "addr", "127.0.0.1:4000", "address to listen on")
	fs.StringVar(&opts.publicURL, "public-url", "", "the registry's external URL, used in links (default http://ADDR)")
	fs.StringVar(&opts.repoName, "repo-name", "shipyard", "repository name inside signed files; clients must configure the same name")
	fs.DurationVar(&opts.accessTokenTTL, "access-token-ttl", 30*time.Minute, "lifetime of OAuth access tokens; clients refresh them silently")
	fs.BoolVar(&opts.noSignup, "no-signup", false, "close sign-up on the website (create accounts with `shipyard user add`)")
	return cmd
}

func serveRun(cmd *cobra.Command, opts *serveOptions, stderr io.Writer) error {
	if opts.publicURL != "" {
		u, err := url.Parse(opts.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cli.FlagErrorf("--public-url %q: expected an http(s) URL such as https://registry.example", opts.publicURL)
		}
	}
	if !validRepoName(opts.repoName) {
		return cli.FlagErrorf("--repo-name %q: use lowercase letters, digits, _ and - (it is part of every client's configuration)", opts.repoName)
	}
	if opts.accessTokenTTL < time.Minute {
		return cli.FlagErrorf("--access-token-ttl %v: must be at least 1m", opts.accessTokenTTL)
	}
	ctx := cmd.Context()
	b, err := server.Open(ctx, opts.storage.Storage)
	if err != nil {
		return err
	}
	defer b.Close()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg := server.Config{
		Addr: opts.addr, PublicURL: opts.publicURL, RepoName: opts.repoName,
		AccessTokenTTL: opts.accessTokenTTL, NoSignup: opts.noSignup, Log: log,
	}
	return server.Serve(ctx, cfg, b, func(base string) {
		fmt.Fprintf(stderr, "shipyard %s serving %q at %s (API %s/api, repository %s/repo, data in %s)\n",
			cli.Version(), opts.repoName, base, base, base, opts.storage.DataDir)
	})
}

func validRepoName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
