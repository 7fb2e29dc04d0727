package cli

import (
	"github.com/MakeNowJust/heredoc"
	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/spf13/cobra"
)

// NewRootCmd builds the whole ship command tree around ios.
func NewRootCmd(ios *iostreams.IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "ship <command>",
		Short: "Publish packages to Hex-compatible registries",
		Long: heredoc.Doc(`
			ship publishes Erlang and Elixir packages to hex.pm and to any
			Hex-compatible registry, such as shipyard.

			Exit codes: 0 success, 1 failure, 2 usage error, 3 cancelled,
			4 authentication or a 2FA code needed but no terminal to ask.
		`),
		Version:       Version(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetVersionTemplate("ship {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err} })

	root.AddCommand(newPublishCmd(ios, nil), newAuthCmd(ios), newWhoamiCmd(ios), newOwnerCmd(ios))
	return root
}
