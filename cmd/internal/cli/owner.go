package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/MakeNowJust/heredoc"
	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/hexship/ship/registry/client"
	"github.com/spf13/cobra"
)

func newOwnerCmd(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "owner <command>",
		Short: "List and change a package's owners",
		Long: heredoc.Doc(`
			Owners publish and retire a package's releases; full owners also
			manage its owners. Changes ask for a two-factor code when the
			registry requires one (--otp or $SHIP_OTP supply it without a
			terminal).
		`),
	}
	cmd.AddCommand(newOwnerListCmd(ios), newOwnerAddCmd(ios), newOwnerRemoveCmd(ios), newOwnerTransferCmd(ios))
	return cmd
}

// ownerFlags are the flags every owner change takes.
type ownerFlags struct {
	registry string
	otp      string
}

func (f *ownerFlags) register(cmd *cobra.Command) {
	registryFlag(cmd, &f.registry)
	cmd.Flags().StringVar(&f.otp, "otp", "", "two-factor code for this change (default $SHIP_OTP or $HEX_OTP; asked for on a terminal)")
}

// change runs one owner change through the write flow and reports it.
func (f *ownerFlags) change(cmd *cobra.Command, ios *iostreams.IOStreams, done string, do func(c *client.Client, otp string) error) error {
	s, err := newSession(ios, f.registry)
	if err != nil {
		return err
	}
	c := s.client()
	if err := s.write(cmd.Context(), f.otp, func(otp string) error { return do(c, otp) }); err != nil {
		return err
	}
	fmt.Fprintln(ios.ErrOut, done)
	return nil
}

func newOwnerListCmd(ios *iostreams.IOStreams) *cobra.Command {
	var registry string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list PACKAGE",
		Short: "List a package's owners",
		Args:  ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newSession(ios, registry)
			if err != nil {
				return err
			}
			var owners []client.Owner
			err = s.read(cmd.Context(), func() error {
				var err error
				owners, err = s.client().Owners(cmd.Context(), args[0])
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(ios.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(owners)
			}
			tw := tabwriter.NewWriter(ios.Out, 0, 0, 2, ' ', 0)
			for _, o := range owners {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Username, o.Email, o.Level)
			}
			return tw.Flush()
		},
	}
	registryFlag(cmd, &registry)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the owners as JSON")
	return cmd
}

func newOwnerAddCmd(ios *iostreams.IOStreams) *cobra.Command {
	var f ownerFlags
	var level string
	cmd := &cobra.Command{
		Use:   "add PACKAGE USER",
		Short: "Make USER an owner of PACKAGE (or change their level)",
		Args:  ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if level != "full" && level != "maintainer" {
				return FlagErrorf("--level %q: use full or maintainer", level)
			}
			pkg, user := args[0], args[1]
			return f.change(cmd, ios, fmt.Sprintf("%s is now a %s owner of %s.", user, level, pkg), func(c *client.Client, otp string) error {
				return c.AddOwner(cmd.Context(), pkg, user, level, false, otp)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&level, "level", "maintainer", "full (may also manage owners) or maintainer")
	return cmd
}

func newOwnerRemoveCmd(ios *iostreams.IOStreams) *cobra.Command {
	var f ownerFlags
	cmd := &cobra.Command{
		Use:   "remove PACKAGE USER",
		Short: "Remove USER from PACKAGE's owners",
		Args:  ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			pkg, user := args[0], args[1]
			return f.change(cmd, ios, fmt.Sprintf("%s is no longer an owner of %s.", user, pkg), func(c *client.Client, otp string) error {
				return c.RemoveOwner(cmd.Context(), pkg, user, otp)
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newOwnerTransferCmd(ios *iostreams.IOStreams) *cobra.Command {
	var f ownerFlags
	cmd := &cobra.Command{
		Use:   "transfer PACKAGE USER",
		Short: "Make USER the only owner of PACKAGE",
		Args:  ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			pkg, user := args[0], args[1]
			return f.change(cmd, ios, fmt.Sprintf("%s now belongs to %s alone.", pkg, user), func(c *client.Client, otp string) error {
				return c.AddOwner(cmd.Context(), pkg, user, "full", true, otp)
			})
		},
	}
	f.register(cmd)
	return cmd
}
