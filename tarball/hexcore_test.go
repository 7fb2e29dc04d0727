package tarball

import (
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hexship/ship/internal/hexcoretest"
)

// TestHexCoreAcceptsBuiltTarballs has the real hex_core unpack tarballs
// that Build wrote: names that need the ustar prefix or a PAX header,
// UTF-8 names, a symlink, an empty directory, and contents large enough
// for the parallel gzip writer's concatenated blocks.
func TestHexCoreAcceptsBuiltTarballs(t *testing.T) {
	hexcoretest.Require(t)
	longDir := "lib/" + strings.Repeat("nested_directory/", 8)
	cases := map[string][]File{
		"small": {memFile("src/foo.erl", "-module(foo).", 0o644)},
		"awkward names": {
			memFile(longDir+"deep.ex", "x", 0o644),
			memFile("lib/"+strings.Repeat("n", 120)+".ex", "y", 0o644),
			memFile("lib/ünïcödé.ex", "z", 0o644),
			memFile("bin/run", "#!/bin/sh\n", 0o755),
			{Name: "lib/run", Mode: fs.ModeSymlink | 0o777, Linkname: "../bin/run"},
			{Name: "priv/empty", Mode: fs.ModeDir | 0o755},
		},
		"several gzip blocks": benchFiles(300, 12_000),
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			data, res := build(t, testMetadata(), files)
			path := filepath.Join(t.TempDir(), "pkg.tar")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := hexcoretest.Unpack(path)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.ToUpper(hex.EncodeToString(res.OuterChecksum[:])); got.OuterChecksum != want {
				t.Errorf("hex_core outer checksum %s, want %s", got.OuterChecksum, want)
			}
			if want := strings.ToUpper(hex.EncodeToString(res.InnerChecksum[:])); got.InnerChecksum != want {
				t.Errorf("hex_core inner checksum %s, want %s", got.InnerChecksum, want)
			}
			var regular int
			for _, f := range files {
				if f.Mode.IsRegular() {
					regular++
				}
			}
			if len(got.Files) != regular {
				t.Errorf("hex_core unpacked %d files, want %d", len(got.Files), regular)
			}
		})
	}
}
