// Package shipyardcli is the shipyard command tree: the registry server and
// the operator commands that share its storage flags.
package shipyardcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/MakeNowJust/heredoc"
	"github.com/hexship/ship/cmd/internal/cli"
	"github.com/spf13/cobra"
)

// Main runs shipyard with the process's arguments and returns the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Stdout, os.Stderr, os.Args[1:])
}

// Run runs shipyard with the given arguments and returns the exit code.
func Run(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		var flagErr *cli.FlagError
		if errors.As(err, &flagErr) && cmd != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return cli.ExitCode(err)
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "shipyard <command>",
		Short: "A Hex-compatible package registry",
		Long: heredoc.Doc(`
			shipyard is a Hex-compatible package registry in one binary: the
			HTTP API that mix, rebar3 and ship speak, the signed repository
			they read, and the website.
		`),
		Version:       cli.Version(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("shipyard {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.FlagErrorf("%w", err) })
	root.AddCommand(newServeCmd(stderr), newUserCmd(stdout), newKeyCmd(stdout), newGCCmd(stdout, stderr))
	return root
}
