// Package cli is the ship command tree. It lives outside package main so
// that tests, including the end-to-end scripts, can run it in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/spf13/cobra"
)

// Main runs ship with the process's arguments and streams and returns the
// exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, iostreams.System(), os.Args[1:])
}

// Run runs ship with the given streams and arguments and returns the exit
// code, printing any error to ios.ErrOut.
func Run(ctx context.Context, ios *iostreams.IOStreams, args []string) int {
	root := NewRootCmd(ios)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil {
		err = errCancelled
	}
	printError(ios, cmd, err)
	return ExitCode(err)
}

func printError(ios *iostreams.IOStreams, cmd *cobra.Command, err error) {
	if errors.Is(err, errCancelled) {
		fmt.Fprintln(ios.ErrOut, "Cancelled.")
		return
	}
	msg := strings.TrimRight(err.Error(), "\n")
	fmt.Fprintf(ios.ErrOut, "error: %s\n", msg)
	var flagErr *FlagError
	if errors.As(err, &flagErr) && cmd != nil {
		fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
}
