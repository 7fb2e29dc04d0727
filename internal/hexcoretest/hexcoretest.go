// Package hexcoretest checks package tarballs with the real hex_core: the
// copy that Debian's rebar3 bundles (as r3_hex_tarball), run by erl. Tests
// use it to prove that what ship builds is what the Erlang ecosystem reads.
package hexcoretest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Rebar3 is where Debian installs rebar3, an escript whose archive holds
// hex_core's modules.
const Rebar3 = "/usr/bin/rebar3"

// Unpacked is what hex_core reported for a tarball it accepted.
type Unpacked struct {
	InnerChecksum string // uppercase hex
	OuterChecksum string // uppercase hex
	Name, Version string
	Files         []string // contents entries, in archive order
}

// Available says why hex_core cannot be run here, or nil when it can.
func Available() error {
	if _, err := exec.LookPath("erl"); err != nil {
		return fmt.Errorf("erl not found; install erlang-nox and rebar3 (as .ci/run does) to check tarballs with hex_core")
	}
	if _, err := os.Stat(Rebar3); err != nil {
		return fmt.Errorf("%s not found; install rebar3 (as .ci/run does) to check tarballs with hex_core", Rebar3)
	}
	return nil
}

// Require skips the test when hex_core cannot be run here. CI installs
// what it needs (.ci/run), so there the checks always run.
func Require(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		t.Skip(err)
	}
}

// loadHexCore is Erlang that loads hex_core's modules from rebar3's escript
// archive into the running node.
const loadHexCore = `
{ok, S} = escript:extract("` + Rebar3 + `", []),
{archive, Zip} = lists:keyfind(archive, 1, S),
{ok, Fs} = zip:extract(Zip, [memory]),
[{module, _} = code:load_binary(list_to_atom(filename:basename(N, ".beam")), N, B)
 || {N, B} <- Fs, filename:extension(N) =:= ".beam",
    lists:prefix("rebar/ebin/r3_hex_", N) orelse lists:prefix("rebar/ebin/r3_safe_erl_term", N)],
`

// Unpack runs hex_core's hex_tarball:unpack(Tarball, memory) on the file
// at path. It returns hex_core's error term as an error when it refuses.
func Unpack(path string) (*Unpacked, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	script := loadHexCore + `
{ok, Bin} = file:read_file("` + abs + `"),
case r3_hex_tarball:unpack(Bin, memory) of
  {ok, #{inner_checksum := I, outer_checksum := O, metadata := M, contents := C}} ->
    io:format("inner ~s~nouter ~s~nname ~s~nversion ~s~n",
              [binary:encode_hex(I), binary:encode_hex(O),
               maps:get(<<"name">>, M), maps:get(<<"version">>, M)]),
    [io:format("file ~ts~n", [N]) || {N, _} <- C];
  Error ->
    io:format("error ~0p~n", [Error])
end,
halt().`
	cmd := exec.Command("erl", "-noshell", "-eval", script)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("erl: %v\n%s", err, out)
	}
	u := &Unpacked{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		switch key {
		case "error":
			return nil, fmt.Errorf("hex_core refused the tarball: %s", val)
		case "inner":
			u.InnerChecksum = val
		case "outer":
			u.OuterChecksum = val
		case "name":
			u.Name = val
		case "version":
			u.Version = val
		case "file":
			u.Files = append(u.Files, val)
		}
	}
	if u.OuterChecksum == "" {
		return nil, fmt.Errorf("unexpected output from erl:\n%s", out)
	}
	return u, nil
}
