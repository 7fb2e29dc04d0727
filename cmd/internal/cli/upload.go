package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/hexship/ship/cmd/internal/shipconfig"
	"github.com/hexship/ship/publish"
	"github.com/hexship/ship/tarball"
	"github.com/schollz/progressbar/v3"
)

// publishUpload builds the tarball, has the person confirm, and uploads
// it, answering the registry's two-factor challenge. Every local check
// (ship.toml, the files, the size) passes before anything is asked.
func publishUpload(ctx context.Context, opts *PublishOptions) error {
	ios := opts.IO
	if opts.Output == "-" {
		return FlagErrorf("--output - needs --dry-run: standard output shows the result of the upload")
	}
	pkg, err := publish.Load(opts.Dir)
	if err != nil {
		return err
	}
	for _, w := range pkg.Warnings {
		fmt.Fprintf(ios.ErrOut, "warning: %s\n", w)
	}
	var body bytes.Buffer
	res, err := pkg.Build(&body)
	if err != nil {
		return err
	}
	if opts.Output != "" {
		if _, err := writeFileAtomic(opts.Output, func(w io.Writer) (tarball.Result, error) {
			_, err := w.Write(body.Bytes())
			return res, err
		}); err != nil {
			return err
		}
	}
	s, err := newSession(ios, opts.Registry)
	if err != nil {
		return err
	}
	name, version := pkg.Metadata.Name, pkg.Metadata.Version
	site := shipconfig.Site(s.api)

	printSummary(ios.ErrOut, pkg)
	fmt.Fprintf(ios.ErrOut, "  Tarball: %s, checksum %s\n", formatSize(res.Size), hex.EncodeToString(res.OuterChecksum[:]))
	if !opts.Yes {
		if !ios.CanPrompt() {
			return FlagErrorf("publishing asks for confirmation and there is no terminal to ask: pass --yes")
		}
		ok, err := s.confirm(fmt.Sprintf("Publish %s %s to %s?", name, version, site), true)
		if err != nil {
			return err
		}
		if !ok {
			return errCancelled
		}
	}

	c := s.client()
	var pageURL string
	err = s.write(ctx, opts.OTP, func(otp string) error {
		bar := uploadBar(opts, res.Size)
		r, err := c.Publish(ctx, name, bytes.NewReader(body.Bytes()), res.Size, opts.Replace, otp, func(sent int64) {
			if bar != nil {
				bar.Set64(sent)
			}
		})
		if bar != nil {
			bar.Exit()
		}
		if err == nil {
			pageURL = r.HTMLURL
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.Out, "Published %s %s to %s\n", name, version, site)
	if pageURL != "" {
		fmt.Fprintf(ios.Out, "  %s\n", pageURL)
	}
	fmt.Fprintf(ios.Out, "  Checksum: %s\n", hex.EncodeToString(res.OuterChecksum[:]))
	return nil
}

// uploadBar is a byte progress bar on a terminal; nil elsewhere, so logs
// of CI runs stay clean.
func uploadBar(opts *PublishOptions, size int64) *progressbar.ProgressBar {
	if !opts.IO.IsStderrTTY() {
		return nil
	}
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(opts.IO.ErrOut),
		progressbar.OptionSetDescription("Uploading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(opts.IO.ColorEnabled()),
	)
}
