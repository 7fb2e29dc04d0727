package tarball

// These tests hold Build to hex_core's output. The fixtures under
// testdata/hexcore were written by hex_core's hex_tarball:create itself:
// foo-1.0.0.tar is the reproducibility vector of hex_core's test suite
// (outer checksum 3DED88F7...), long_names-0.2.0-rc.1.tar has paths that
// need the ustar prefix field, a PAX header, UTF-8 names, a symlink, an
// executable and an empty directory. Go's deflate differs from zlib's, so
// the comparisons put hex_core's own contents.tar.gz back into our writer.

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

var hexCoreFixtures = []string{"foo-1.0.0.tar", "long_names-0.2.0-rc.1.tar", "unpack-baseline-foo-1.0.0.tar"}

func TestReadAcceptsHexCoreTarballs(t *testing.T) {
	for _, name := range hexCoreFixtures {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			pkg, err := Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if want := sha256.Sum256(data); pkg.OuterChecksum != want {
				t.Errorf("outer checksum %X, want %X", pkg.OuterChecksum, want)
			}
			if !strings.Contains(name, pkg.Metadata.Name+"-"+pkg.Metadata.Version) {
				t.Errorf("metadata says %s %s", pkg.Metadata.Name, pkg.Metadata.Version)
			}
		})
	}
}

func TestOuterChecksumVector(t *testing.T) {
	// hex_core's disk_test: outer checksum of foo 1.0.0 with an empty
	// directory and src/foo.erl.
	const want = "3DED88F7BAC738294907ACEED89FE63C9914713F988E608F2B17D7AE6EAC8446"
	m := outerMembersOf(t, readFixture(t, "foo-1.0.0.tar"))
	res, err := writeOuter(io.Discard, m["metadata.config"], m["contents.tar.gz"])
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(res.OuterChecksum[:]); !strings.EqualFold(got, want) {
		t.Fatalf("outer checksum %s, want %s", got, want)
	}
}

func TestOuterTarMatchesHexCore(t *testing.T) {
	for _, name := range hexCoreFixtures {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			m := outerMembersOf(t, data)
			got := assemble(t, m["metadata.config"], m["contents.tar.gz"])
			if !bytes.Equal(got, data) {
				t.Fatalf("outer tar differs from hex_core's (%d vs %d bytes)", len(got), len(data))
			}
			if want := string(m["CHECKSUM"]); !bytes.Contains(got, []byte(want)) {
				t.Fatalf("inner checksum %s not reproduced", want)
			}
		})
	}
}

func TestContentsTarMatchesHexCore(t *testing.T) {
	for _, name := range hexCoreFixtures {
		t.Run(name, func(t *testing.T) {
			m := outerMembersOf(t, readFixture(t, name))
			zr, err := gzip.NewReader(bytes.NewReader(m["contents.tar.gz"]))
			if err != nil {
				t.Fatal(err)
			}
			want, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}

			// Rebuild the file list from what Read reports, with contents.
			var files []File
			pkg, err := Read(bytes.NewReader(readFixture(t, name)), &ReadOptions{OnFile: func(f FileInfo, r io.Reader) error {
				data, err := io.ReadAll(r)
				files = append(files, memFile(f.Name, string(data), f.Mode))
				return err
			}})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range pkg.Files {
				if !f.Mode.IsRegular() {
					files = append(files, File{Name: f.Name, Mode: f.Mode, Linkname: f.Linkname})
				}
			}
			files, err = checkFiles(files)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if _, err := writeContentsTar(&got, files); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("contents.tar differs from hex_core's at byte %d", firstDiff(got.Bytes(), want))
			}
		})
	}
}

// The inner checksum vectors of hex_core's unpack_error_handling_test: each
// replaces one member of a baseline tarball and states the CHECKSUM that
// makes the tarball consistent, so the failure is in that member.
func TestInnerChecksumVectors(t *testing.T) {
	base := outerMembersOf(t, readFixture(t, "unpack-baseline-foo-1.0.0.tar"))
	badtarGz, _ := hex.DecodeString("1F8B08000000000000004B4A4C29492C020021BBFD7506000000") // hex_tarball:gzip(<<"badtar">>)
	cases := []struct {
		name               string
		metadata, contents []byte
		checksum           string
		wantKind           error
	}{
		{"bad metadata", []byte("ok $"), base["contents.tar.gz"], "1BB37F9A91F9E4A3667A4527930187ACF6B9714C0DE7EADD55DC31BE5CFDD98C", ErrMetadata},
		{"contents not a tar", base["metadata.config"], badtarGz, "1D87B5FFDA2480FC41F282A722FDAE60661349D47E7E084E93190BC242BB4D9C", ErrBadContents},
		{"contents not gzip", base["metadata.config"], []byte("badgzip"), "C01D8E226CE736680D2D402E5A32A53D6C0DCEA47A773F77A30EE361416FF5BA", ErrBadContents},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := assemble(t, tc.metadata, tc.contents)
			if got := string(outerMembersOf(t, data)["CHECKSUM"]); got != tc.checksum {
				t.Fatalf("inner checksum %s, want %s", got, tc.checksum)
			}
			_, err := Read(bytes.NewReader(data), nil)
			if !errors.Is(err, tc.wantKind) {
				t.Fatalf("Read error %v, want kind %v", err, tc.wantKind)
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
