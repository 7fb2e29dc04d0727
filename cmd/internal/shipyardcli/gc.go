package shipyardcli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/MakeNowJust/heredoc"
	"github.com/hexship/ship/cmd/internal/cli"
	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/gc"
	"github.com/hexship/ship/registry/server"
	"github.com/spf13/cobra"
)

type gcOptions struct {
	storage storageFlags
	dryRun  bool
	minAge  time.Duration
}

func newGCCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &gcOptions{}
	cmd := &cobra.Command{
		Use:   "gc [--dry-run] [--min-age 1h]",
		Short: "Delete package and docs tarballs no release refers to",
		Long: heredoc.Docf(`
			Delete the blobs under %s that no release refers
			to: tarballs of publishes killed before they committed, tarballs
			replaced by a republish whose removal a crash skipped, docs of
			releases that no longer have them. Each deletion is logged to
			standard error; a summary goes to standard output.

			A publish writes its tarball before it commits the release, so an
			unreferenced blob written less than --min-age ago (default %v) is
			kept: it may belong to a publish still in flight. gc may run while
			servers serve the registry; --min-age 0s is safe only while nothing
			is being published.
		`, strings.Join(gc.Prefixes, " and "), gc.DefaultMinAge),
		Example: "  shipyard gc --dry-run\n  shipyard gc --data /srv/shipyard",
		Args:    cli.ExactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return gcRun(cmd, opts, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	opts.storage.register(fs)
	fs.BoolVar(&opts.dryRun, "dry-run", false, "list what would be deleted, and delete nothing")
	fs.DurationVar(&opts.minAge, "min-age", gc.DefaultMinAge, "keep unreferenced blobs written less than this long ago (publishes in flight)")
	return cmd
}

func gcRun(cmd *cobra.Command, opts *gcOptions, stdout, stderr io.Writer) error {
	if opts.minAge < 0 {
		return cli.FlagErrorf("--min-age %v is negative", opts.minAge)
	}
	b, err := server.Open(cmd.Context(), opts.storage.Storage)
	if err != nil {
		return err
	}
	defer b.Close()
	gcOpts := gc.Options{MinAge: opts.minAge, DryRun: opts.dryRun}
	gcOpts.Deleted = func(key string, info blob.Info) {
		verb, w := "deleted", stderr
		if opts.dryRun {
			verb, w = "would delete", stdout
		}
		fmt.Fprintf(w, "%s %s (%d bytes, written %s)\n", verb, key, info.Size, info.ModTime.UTC().Format(time.RFC3339))
	}
	rep, err := gc.Collect(cmd.Context(), b.Store, b.Blobs, gcOpts)
	if err == nil || rep.Deleted > 0 {
		// After an error, only to say what was deleted before it.
		printGCReport(stdout, rep, opts)
	}
	return err
}

func printGCReport(w io.Writer, rep gc.Report, opts *gcOptions) {
	fmt.Fprintf(w, "Listed %d blobs (%d bytes) under %s.\n", rep.Listed, rep.ListedBytes, strings.Join(gc.Prefixes, " and "))
	fmt.Fprintf(w, "Kept %d referenced by releases (%d bytes) and %d unreferenced written within %v (%d bytes).\n",
		rep.Referenced, rep.ReferencedBytes, rep.Young, opts.minAge, rep.YoungBytes)
	if opts.dryRun {
		fmt.Fprintf(w, "Would delete %d unreferenced blobs, freeing %d bytes (dry run: nothing was deleted).\n", rep.Deleted, rep.DeletedBytes)
		return
	}
	fmt.Fprintf(w, "Deleted %d unreferenced blobs, freeing %d bytes.\n", rep.Deleted, rep.DeletedBytes)
}
