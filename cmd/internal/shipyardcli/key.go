package shipyardcli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hexship/ship/cmd/internal/cli"
	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/httpapi"
	"github.com/hexship/ship/registry/server"
	"github.com/hexship/ship/registry/store"
	"github.com/spf13/cobra"
)

func newKeyCmd(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "key <command>", Short: "Manage API keys"}
	cmd.AddCommand(newKeyAddCmd(stdout))
	return cmd
}

type keyAddOptions struct {
	storage     storageFlags
	permissions []string
}

func newKeyAddCmd(stdout io.Writer) *cobra.Command {
	opts := &keyAddOptions{}
	cmd := &cobra.Command{
		Use:   "add USER KEYNAME [--permission api:write ...]",
		Short: "Create an API key and print its secret once",
		Long: "Create an API key for USER and print its secret to standard output. The registry keeps\n" +
			"only a keyed hash of it: it cannot be shown again. Permissions are DOMAIN or\n" +
			"DOMAIN:RESOURCE, e.g. api, api:read, api:write, package:REPO/NAME (default: api).",
		Example: "  shipyard key add alice ci --permission api:write",
		Args:    cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return keyAddRun(cmd, opts, args[0], args[1], stdout)
		},
	}
	opts.storage.register(cmd.Flags())
	cmd.Flags().StringArrayVar(&opts.permissions, "permission", nil, "a permission to grant (repeatable)")
	return cmd
}

func keyAddRun(cmd *cobra.Command, opts *keyAddOptions, username, keyName string, stdout io.Writer) error {
	var raw []store.Permission
	for _, p := range opts.permissions {
		domain, resource, _ := strings.Cut(p, ":")
		raw = append(raw, store.Permission{Domain: domain, Resource: resource})
	}
	perms, err := httpapi.ParsePermissions(raw)
	if err != nil {
		return cli.FlagErrorf("--permission: %v", err)
	}
	ctx := cmd.Context()
	b, err := server.Open(ctx, opts.storage.Storage)
	if err != nil {
		return err
	}
	defer b.Close()
	secret := apikey.NewSecret()
	lookup, verify := b.Keys.Hash(secret)
	err = b.Store.Update(ctx, func(tx store.Tx) error {
		user, err := tx.UserByName(ctx, username)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no account named %q; create it with: shipyard user add %s --email EMAIL", username, username)
		}
		if err != nil {
			return err
		}
		return tx.CreateKey(ctx, &store.Key{UserID: user.ID, Name: keyName, Lookup: lookup, Verify: verify, Permissions: perms})
	})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%s already has a key named %q; pick another name", username, keyName)
	}
	if err != nil {
		return err
	}
	// The secret alone on stdout, so scripts can capture it; the
	// explanation goes to stderr.
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(cmd.ErrOrStderr(), "Created key %q for %s. Keep the secret above: it is not shown again.\n", keyName, username)
	return nil
}
