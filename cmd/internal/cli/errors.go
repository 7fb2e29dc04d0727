package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Exit codes, as design.md promises them to scripts.
const (
	ExitOK        = 0 // success
	ExitError     = 1 // failure
	ExitUsage     = 2 // the command line was wrong
	ExitCancelled = 3 // the user said no or pressed Ctrl-C
	ExitAuth      = 4 // credentials or a 2FA code are needed and nobody can be asked
)

// FlagError is a usage mistake; Main prints it with a hint to --help and
// exits with ExitUsage.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// FlagErrorf builds a FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{fmt.Errorf(format, args...)}
}

// errCancelled ends a command the user chose to stop.
var errCancelled = errors.New("cancelled")

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var flagErr *FlagError
	var authErr *AuthError
	var loginErr *loginNeededError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &flagErr):
		return ExitUsage
	case errors.As(err, &authErr), errors.As(err, &loginErr):
		return ExitAuth
	case errors.Is(err, errCancelled):
		return ExitCancelled
	}
	return ExitError
}

// MaxArgs is cobra.MaximumNArgs with the error marked as a usage mistake.
func MaxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return &FlagError{err}
		}
		return nil
	}
}

// ExactArgs is cobra.ExactArgs with the error marked as a usage mistake.
func ExactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return &FlagError{err}
		}
		return nil
	}
}

// AuthError means credentials or a two-factor code are needed and nobody
// can be asked for them: exit code 4, with a message naming the flag or
// variable that supplies them.
type AuthError struct{ err error }

func (e *AuthError) Error() string { return e.err.Error() }
func (e *AuthError) Unwrap() error { return e.err }
