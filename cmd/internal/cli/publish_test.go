package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hexship/ship/cmd/internal/iostreams"
)

func TestNewCmdPublish(t *testing.T) {
	cases := []struct {
		cli     string
		want    PublishOptions
		wantErr string
	}{
		{cli: "--dry-run", want: PublishOptions{Dir: ".", DryRun: true}},
		{cli: "--dry-run pkg", want: PublishOptions{Dir: "pkg", DryRun: true}},
		{cli: "--dry-run -o out.tar pkg", want: PublishOptions{Dir: "pkg", DryRun: true, Output: "out.tar"}},
		{cli: "--dry-run --output - pkg", want: PublishOptions{Dir: "pkg", DryRun: true, Output: "-"}},
		{cli: "pkg", want: PublishOptions{Dir: "pkg"}},
		{cli: "--yes --replace --otp 123456 --registry http://127.0.0.1:4000 pkg", want: PublishOptions{Dir: "pkg", Yes: true, Replace: true, OTP: "123456", Registry: "http://127.0.0.1:4000"}},
		{cli: "--dry-run a b", wantErr: "accepts at most 1 arg"},
	}
	for _, tc := range cases {
		t.Run(tc.cli, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *PublishOptions
			cmd := newPublishCmd(ios, func(o *PublishOptions) error { got = o; return nil })
			args := strings.Fields(tc.cli)
			cmd.SetArgs(args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			_, err := cmd.ExecuteC()
			if tc.wantErr != "" {
				var flagErr *FlagError
				if !errors.As(err, &flagErr) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want a usage error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if *got != tc.want {
				t.Errorf("options %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestPublishRunWritesTarballAndSummary(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "pkg", "ship.toml"), `name = "demo"
version = "2.0.0"
description = "Demo."
licenses = ["MIT"]
`)
	writeFile(t, filepath.Join(dir, "pkg", "lib", "demo.ex"), "defmodule Demo do\nend\n")
	out := filepath.Join(dir, "demo.tar")

	ios, _, stdout, stderr := iostreams.Test()
	err := publishRun(&PublishOptions{IO: ios, Dir: filepath.Join(dir, "pkg"), DryRun: true, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Package demo 2.0.0\n", "Licenses:     MIT\n", "    lib/demo.ex  22 B\n", "Wrote " + out + " ("} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // pkg and demo.tar, no temporary file left
		t.Errorf("directory holds %d entries, want 2", len(entries))
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("boom"), ExitError},
		{FlagErrorf("bad flag"), ExitUsage},
		{errCancelled, ExitCancelled},
	}
	for _, tc := range cases {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1536: "1.5 kB", 52_400_000: "52.4 MB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
