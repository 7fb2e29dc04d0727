package cli

import (
	"fmt"

	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/spf13/cobra"
)

func newWhoamiCmd(ios *iostreams.IOStreams) *cobra.Command {
	var registry string
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Print the logged-in user's name",
		Args:  ExactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := newSession(ios, registry)
			if err != nil {
				return err
			}
			var name string
			err = s.read(cmd.Context(), func() error {
				me, err := s.client().Me(cmd.Context())
				if err == nil {
					name = me.Username
				}
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(ios.Out, name)
			return nil
		},
	}
	registryFlag(cmd, &registry)
	return cmd
}
