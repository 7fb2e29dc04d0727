package cli

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/MakeNowJust/heredoc"
	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/hexship/ship/publish"
	"github.com/hexship/ship/tarball"
	"github.com/spf13/cobra"
)

// PublishOptions are the inputs of ship publish.
type PublishOptions struct {
	IO *iostreams.IOStreams

	Dir      string
	DryRun   bool
	Output   string
	Yes      bool
	Replace  bool
	OTP      string
	Registry string
}

func newPublishCmd(ios *iostreams.IOStreams, runF func(*PublishOptions) error) *cobra.Command {
	opts := &PublishOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "publish [DIR]",
		Short: "Build a package tarball from DIR (default .) and publish it",
		Long: heredoc.Doc(`
			Build the Hex package tarball from the package in DIR, described by
			DIR/ship.toml, show what it holds, ask to confirm, and upload it to
			the registry. When the registry asks for a two-factor code, ship
			asks for it (or takes --otp, $SHIP_OTP or $HEX_OTP).

			With --dry-run the tarball is written to --output (default
			NAME-VERSION.tar, or - for standard output) and nothing is uploaded.
		`),
		Example: heredoc.Doc(`
			$ ship publish
			$ ship publish ./my_pkg --yes --otp 123456
			$ ship publish --dry-run --output /tmp/pkg.tar ./my_pkg
		`),
		Args: MaxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			if !opts.DryRun {
				return publishUpload(cmd.Context(), opts)
			}
			return publishRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "build and check the tarball without uploading it")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "where to write the tarball (default NAME-VERSION.tar with --dry-run; - for stdout)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "publish without asking to confirm")
	cmd.Flags().BoolVar(&opts.Replace, "replace", false, "replace a release published within the last hour")
	cmd.Flags().StringVar(&opts.OTP, "otp", "", "two-factor code for this upload (default $SHIP_OTP or $HEX_OTP; asked for on a terminal)")
	registryFlag(cmd, &opts.Registry)
	return cmd
}

func publishRun(opts *PublishOptions) error {
	pkg, err := publish.Load(opts.Dir)
	if err != nil {
		return err
	}
	for _, w := range pkg.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}

	// The summary goes to stdout, unless the tarball itself does.
	summary := opts.IO.Out
	if opts.Output == "-" {
		summary = opts.IO.ErrOut
	}
	printSummary(summary, pkg)

	out := opts.Output
	if out == "" {
		out = pkg.DefaultOutput()
	}
	var res tarball.Result
	if out == "-" {
		res, err = pkg.Build(opts.IO.Out)
	} else {
		res, err = writeFileAtomic(out, pkg.Build)
	}
	if err != nil {
		return err
	}
	where := out
	if out == "-" {
		where = "standard output"
	}
	fmt.Fprintf(summary, "\nWrote %s (%s)\nChecksum: %s\n", where, formatSize(res.Size), hex.EncodeToString(res.OuterChecksum[:]))
	return nil
}

// printSummary shows what a person should check before publishing.
func printSummary(w io.Writer, pkg *publish.Package) {
	m := pkg.Metadata
	fmt.Fprintf(w, "Package %s %s\n", m.Name, m.Version)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "  %s:\t%s\n", k, v)
		}
	}
	if m.App != "" && m.App != m.Name {
		row("App", m.App)
	}
	row("Description", m.Description)
	row("Licenses", strings.Join(m.Licenses, ", "))
	for _, l := range m.Links {
		row("Link", l.Name+" "+l.URL)
	}
	row("Build tools", strings.Join(m.BuildTools, ", "))
	row("Elixir", m.Elixir)
	tw.Flush()

	if len(m.Requirements) > 0 {
		fmt.Fprintln(w, "  Dependencies:")
		for _, r := range m.Requirements {
			line := "    " + r.Name + " " + r.Requirement
			if r.App != "" && r.App != r.Name {
				line += " (app: " + r.App + ")"
			}
			if r.Repository != "" {
				line += " (repository: " + r.Repository + ")"
			}
			if r.Optional {
				line += " (optional)"
			}
			fmt.Fprintln(w, line)
		}
	} else {
		fmt.Fprintln(w, "  Dependencies: none")
	}

	fmt.Fprintln(w, "  Files:")
	names := make([]string, len(pkg.Files))
	sizes := make([]string, len(pkg.Files))
	nameWidth, sizeWidth := 0, 0
	for i, f := range pkg.Files {
		switch {
		case f.Mode.IsDir():
			names[i] = f.Name + "/"
		case f.Linkname != "":
			names[i] = f.Name + " -> " + f.Linkname
		default:
			names[i], sizes[i] = f.Name, formatSize(f.Size)
		}
		nameWidth, sizeWidth = max(nameWidth, len(names[i])), max(sizeWidth, len(sizes[i]))
	}
	for i := range names {
		line := fmt.Sprintf("    %-*s  %*s", nameWidth, names[i], sizeWidth, sizes[i])
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintf(w, "  %d files, %s uncompressed\n", len(pkg.Files), formatSize(pkg.TotalSize()))
}

// writeFileAtomic writes through a temporary file in the same directory and
// renames it into place, so an interrupted build never leaves a truncated
// tarball under the final name.
func writeFileAtomic(name string, write func(io.Writer) (tarball.Result, error)) (tarball.Result, error) {
	f, err := os.CreateTemp(filepath.Dir(name), ".ship-*.tar.tmp")
	if err != nil {
		return tarball.Result{}, err
	}
	defer os.Remove(f.Name()) // after a successful rename this is a no-op
	res, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	return res, err
}

// formatSize renders a byte count for people: 999 B, 1.5 KB, 2.3 MB.
func formatSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
