package shipyardcli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hexship/ship/cmd/internal/cli"
	"github.com/hexship/ship/registry/account"
	"github.com/hexship/ship/registry/server"
	"github.com/hexship/ship/registry/store"
	"github.com/spf13/cobra"
)

func newUserCmd(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "user <command>", Short: "Manage accounts"}
	cmd.AddCommand(newUserAddCmd(stdout))
	return cmd
}

type userAddOptions struct {
	storage       storageFlags
	email         string
	fullName      string
	passwordStdin bool
}

func newUserAddCmd(stdout io.Writer) *cobra.Command {
	opts := &userAddOptions{}
	cmd := &cobra.Command{
		Use:   "add NAME --email EMAIL [--password-stdin]",
		Short: "Create an account",
		Long: "Create an account. The password is read from standard input with --password-stdin,\n" +
			"never from the command line, where other users could see it.",
		Example: "  printf '%s' \"$PASSWORD\" | shipyard user add alice --email alice@example.com --password-stdin",
		Args:    cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return userAddRun(cmd, opts, args[0], stdout)
		},
	}
	opts.storage.register(cmd.Flags())
	cmd.Flags().StringVar(&opts.email, "email", "", "the account's email address (required)")
	cmd.Flags().StringVar(&opts.fullName, "full-name", "", "the person's name, shown on package pages")
	cmd.Flags().BoolVar(&opts.passwordStdin, "password-stdin", false, "read the password from standard input")
	return cmd
}

func userAddRun(cmd *cobra.Command, opts *userAddOptions, name string, stdout io.Writer) error {
	if err := account.CheckUsername(name); err != nil {
		return cli.FlagErrorf("%v", err)
	}
	if opts.email == "" {
		return cli.FlagErrorf("--email is required")
	}
	if err := account.CheckEmail(opts.email); err != nil {
		return cli.FlagErrorf("--email %v", err)
	}
	user := &store.User{Username: name, Email: opts.email, FullName: opts.fullName}
	if opts.passwordStdin {
		password, err := readPassword(cmd.InOrStdin())
		if err != nil {
			return err
		}
		hash, err := account.HashPassword(password)
		if err != nil {
			return err
		}
		user.PasswordHash = hash
	}
	b, err := server.Open(cmd.Context(), opts.storage.Storage)
	if err != nil {
		return err
	}
	defer b.Close()
	err = b.Store.Update(cmd.Context(), func(tx store.Tx) error { return tx.CreateUser(cmd.Context(), user) })
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("an account named %q or with email %s already exists", name, opts.email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created user %s <%s>.\n", user.Username, user.Email)
	if !opts.passwordStdin {
		fmt.Fprintln(stdout, "It has no password: it can use API keys (shipyard key add) but cannot sign in to the website.")
	}
	return nil
}

// readPassword reads one line (or everything up to EOF) from r and checks
// it with the rules every account shares.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	switch err := account.CheckPassword(password); {
	case errors.Is(err, account.ErrPasswordShort):
		return "", fmt.Errorf("the password read from standard input is shorter than %d characters", account.MinPassword)
	case err != nil:
		return "", err
	}
	return password, nil
}
