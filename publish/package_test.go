package publish

import (
	"bytes"
	"io"
	"io/fs"
	"reflect"
	"testing"

	"github.com/hexship/ship/tarball"
)

func TestDefaultOutput(t *testing.T) {
	dir := newPackage(t, manifestText(map[string]string{"version": `"2.1.0-rc.1"`}, ""), map[string]string{"lib/a.ex": ""})
	if got := mustLoad(t, dir).DefaultOutput(); got != "my_pkg-2.1.0-rc.1.tar" {
		t.Fatalf("DefaultOutput = %q, want my_pkg-2.1.0-rc.1.tar", got)
	}
}

// TestBuildRoundTrip builds a package and reads it back with tarball.Read,
// which checks it as a registry would.
func TestBuildRoundTrip(t *testing.T) {
	dir := newPackage(t, manifestText(nil, "[requirements.plug]\nrequirement = \"~> 1.14\"\n"), map[string]string{
		"mix.exs":     "defmodule MyPkg.MixProject do\nend\n",
		"lib/a.ex":    "defmodule A do\nend\n",
		"priv/empty/": "",
	})
	symlink(t, dir, "a.ex", "lib/b.ex")
	p := mustLoad(t, dir)

	var buf bytes.Buffer
	res, err := p.Build(&buf)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if res.Size != int64(buf.Len()) {
		t.Errorf("Result.Size = %d, wrote %d bytes", res.Size, buf.Len())
	}

	contents := map[string]string{}
	read, err := tarball.Read(bytes.NewReader(buf.Bytes()), &tarball.ReadOptions{
		OnFile: func(f tarball.FileInfo, r io.Reader) error {
			data, err := io.ReadAll(r)
			contents[f.Name] = string(data)
			return err
		},
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if read.OuterChecksum != res.OuterChecksum {
		t.Errorf("outer checksum: Read %x, Build %x", read.OuterChecksum, res.OuterChecksum)
	}
	if got := read.Metadata; got.Name != "my_pkg" || got.Version != "1.0.0" || !reflect.DeepEqual(got.Files, p.Metadata.Files) ||
		len(got.Requirements) != 1 || got.Requirements[0].Requirement != "~> 1.14" {
		t.Errorf("metadata read back = %+v\nwant %+v", got, p.Metadata)
	}
	if want := map[string]string{"lib/a.ex": "defmodule A do\nend\n", "mix.exs": "defmodule MyPkg.MixProject do\nend\n"}; !reflect.DeepEqual(contents, want) {
		t.Errorf("contents = %q, want %q", contents, want)
	}
	entries := map[string]tarball.FileInfo{}
	for _, f := range read.Files {
		entries[f.Name] = f
	}
	if f := entries["lib/b.ex"]; f.Mode&fs.ModeSymlink == 0 || f.Linkname != "a.ex" {
		t.Errorf("lib/b.ex = %+v, want a symlink to a.ex", f)
	}
	if f := entries["priv/empty"]; !f.Mode.IsDir() {
		t.Errorf("priv/empty = %+v, want a directory", f)
	}
}
