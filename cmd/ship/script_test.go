package main

// End-to-end stories: each testdata/script/*.txtar runs the real ship and
// shipyard commands (this test binary re-executed under those names) in a
// fresh directory.
// Run one with: go test ./cmd/ship -run TestScript/publish-dry-run

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hexship/ship/auth/tokenstore"
	"github.com/hexship/ship/cmd/internal/cli"
	"github.com/hexship/ship/cmd/internal/shipyardcli"
	"github.com/hexship/ship/internal/hexcoretest"
	"github.com/hexship/ship/internal/registrytest"
	"github.com/hexship/ship/tarball"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the cmp expectations of the scripts")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ship":     func() { os.Exit(cli.Main()) },
		"shipyard": func() { os.Exit(shipyardcli.Main()) },
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			// Each script has its own ship configuration (default registry,
			// token file), inside its work directory.
			env.Setenv("SHIP_CONFIG_DIR", filepath.Join(env.WorkDir, ".shipconfig"))
			// The keyring stories reach the session bus of `.ci/run`'s
			// dbus-run-session, where gnome-keyring runs unlocked.
			for _, v := range []string{"DBUS_SESSION_BUS_ADDRESS", "SHIPYARD_TEST_KEYRING", "XDG_RUNTIME_DIR"} {
				env.Setenv(v, os.Getenv(v))
			}
			registrytest.PassStorageEnv(env)
			return nil
		},
		Cmds: commands(),
		Condition: func(cond string) (bool, error) {
			if cond == "hexcore" {
				return hexcoretest.Available() == nil, nil
			}
			if cond == "keyring" {
				// CI promises one (SHIPYARD_TEST_KEYRING); elsewhere the
				// keyring stories run when a Secret Service answers.
				return os.Getenv("SHIPYARD_TEST_KEYRING") != "" || tokenstore.ProbeKeyring(2*time.Second) == nil, nil
			}
			if value, ok := registrytest.Condition(cond); ok {
				return value, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
	})
}

// commands are the custom script commands: this file's, and those that run
// and query a real shipyard.
func commands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := registrytest.Commands()
	cmds["exit-code"] = cmdExitCode
	cmds["ship-token"] = cmdShipToken
	cmds["sha256env"] = cmdSHA256Env
	cmds["hexcore-unpack"] = cmdHexCoreUnpack
	cmds["mkfifo"] = cmdMkfifo
	return cmds
}

// exit-code N PROG ARGS... runs PROG and checks that it exits with N; its
// output is then matched by stdout and stderr like exec's.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exit-code N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// mkfifo PATH makes a named pipe, which no package may hold.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo PATH")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
}

// sha256env FILE VAR sets VAR to the lowercase hex SHA-256 of FILE.
func cmdSHA256Env(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sha256env FILE VAR")
	}
	sum := sha256.Sum256([]byte(ts.ReadFile(args[0])))
	ts.Setenv(args[1], hex.EncodeToString(sum[:]))
}

// hexcore-unpack FILE NAME VERSION has hex_core (from rebar3) unpack the
// tarball FILE and checks that it accepts it with that name and version,
// the same checksums and the same files as our own reader.
func cmdHexCoreUnpack(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: hexcore-unpack FILE NAME VERSION")
	}
	path := ts.MkAbs(args[0])
	got, err := hexcoretest.Unpack(path)
	ts.Check(err)
	f, err := os.Open(path)
	ts.Check(err)
	defer f.Close()
	ours, err := tarball.Read(f, nil)
	ts.Check(err)

	if got.Name != args[1] || got.Version != args[2] {
		ts.Fatalf("hex_core read %s %s, want %s %s", got.Name, got.Version, args[1], args[2])
	}
	if got.OuterChecksum != strings.ToUpper(hex.EncodeToString(ours.OuterChecksum[:])) ||
		got.InnerChecksum != strings.ToUpper(hex.EncodeToString(ours.InnerChecksum[:])) {
		ts.Fatalf("checksums differ: hex_core %s/%s, ours %X/%X", got.InnerChecksum, got.OuterChecksum, ours.InnerChecksum, ours.OuterChecksum)
	}
	// hex_core lists regular files only.
	var regular []string
	for _, fi := range ours.Files {
		if fi.Mode.IsRegular() {
			regular = append(regular, fi.Name)
		}
	}
	if strings.Join(got.Files, "\n") != strings.Join(regular, "\n") {
		ts.Fatalf("hex_core files:\n%s\nours:\n%s", strings.Join(got.Files, "\n"), strings.Join(regular, "\n"))
	}
	ts.Logf("hex_core accepted %s: %d files, outer checksum %s", args[0], len(got.Files), got.OuterChecksum)
}
