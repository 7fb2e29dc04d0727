package tarball

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

// gz gzips data.
func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withContents makes a consistent tarball (right CHECKSUM) around contents
// entries written raw, so only the contents are hostile.
func withContents(t testing.TB, entries ...member) []byte {
	t.Helper()
	meta := outerMembersOf(t, readFixture(t, "unpack-baseline-foo-1.0.0.tar"))["metadata.config"]
	return assemble(t, meta, gz(t, rawTar(t, entries...)))
}

// gzipBomb returns a gzip stream of n MiB of zeros, about 1 KiB per MiB:
// one compressed MiB repeated as concatenated gzip members.
func gzipBomb(t testing.TB, mib int) []byte {
	t.Helper()
	one := gz(t, make([]byte, 1<<20))
	return bytes.Repeat(one, mib)
}

func TestReadRefuses(t *testing.T) {
	base := outerMembersOf(t, readFixture(t, "unpack-baseline-foo-1.0.0.tar"))
	outer := func(skip string, replace map[string][]byte) []byte {
		var ms []member
		for _, name := range outerMembers {
			if name == skip {
				continue
			}
			data := base[name]
			if r, ok := replace[name]; ok {
				data = r
			}
			ms = append(ms, member{name: name, data: data})
		}
		return rawTar(t, ms...)
	}
	flipped := bytes.Clone(base["contents.tar.gz"])
	flipped[len(flipped)-9] ^= 1

	cases := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"not a tar", []byte("badtar"), ErrBadTar, ""},
		{"empty", nil, ErrMissingFiles, `missing files: ["VERSION","CHECKSUM","metadata.config","contents.tar.gz"]`},
		{"no VERSION", outer("VERSION", nil), ErrMissingFiles, `missing files: ["VERSION"]`},
		{"version 2", outer("", map[string][]byte{"VERSION": []byte("2")}), ErrBadVersion, `unsupported version: "2"`},
		{"checksum not hex", outer("", map[string][]byte{"CHECKSUM": []byte("bad")}), ErrInvalidChecksum, "invalid tarball checksum"},
		{"checksum short", outer("", map[string][]byte{"CHECKSUM": []byte("ABCD")}), ErrInvalidChecksum, ""},
		{"contents changed", outer("", map[string][]byte{"contents.tar.gz": flipped}), ErrChecksumMismatch, ""},
		{"VERSION too big", outer("", map[string][]byte{"VERSION": bytes.Repeat([]byte("3"), 64)}), ErrFileTooBig, "file too big: VERSION"},
		{"CHECKSUM too big", outer("", map[string][]byte{"CHECKSUM": bytes.Repeat([]byte("A"), 256)}), ErrFileTooBig, "file too big: CHECKSUM"},
		{"metadata too big", outer("", map[string][]byte{"metadata.config": bytes.Repeat([]byte(`{<<"k">>,<<"v">>}.`+"\n"), 60000)}), ErrFileTooBig, "file too big: metadata.config"},
		{"outer too big", rawTar(t, member{name: "padding", data: make([]byte, 17<<20)}), ErrTooBig, "package exceeds max compressed size 16.777216 MB"},
		{"duplicate member", rawTar(t, member{name: "VERSION", data: []byte("3")}, member{name: "VERSION", data: []byte("3")}), ErrDuplicateMember, ""},
		{"member is a symlink", rawTar(t, member{name: "metadata.config", typeflag: tar.TypeSymlink, linkname: "/etc/passwd"}), ErrUnsupportedFileType, ""},
		{"gzip bomb", assemble(t, base["metadata.config"], gzipBomb(t, 200)), ErrTooBigUncompressed, "package exceeds max uncompressed size 134.217728 MB"},
		{"contents not gzip", assemble(t, base["metadata.config"], []byte("plain")), ErrBadContents, ""},
		{"absolute path", withContents(t, member{name: "/etc/passwd", data: []byte("x")}), ErrUnsafePath, "unsafe path in tarball: /etc/passwd"},
		{"parent path", withContents(t, member{name: "../evil", data: []byte("x")}), ErrUnsafePath, ""},
		{"climbing path", withContents(t, member{name: "lib/../../evil", data: []byte("x")}), ErrUnsafePath, ""},
		{"drive letter", withContents(t, member{name: "C:/evil", data: []byte("x")}), ErrUnsafePath, ""},
		{"escaping symlink", withContents(t, member{name: "lib/l", typeflag: tar.TypeSymlink, linkname: "../../etc"}), ErrUnsafeSymlink, "unsafe symlink in tarball: lib/l -> ../../etc"},
		{"absolute symlink", withContents(t, member{name: "l", typeflag: tar.TypeSymlink, linkname: "/etc/passwd"}), ErrUnsafeSymlink, ""},
		{"hard link", withContents(t, member{name: "h", typeflag: tar.TypeLink, linkname: "x"}), ErrUnsupportedFileType, "unsupported file type in tarball: h (link)"},
		{"char device", withContents(t, member{name: "tty", typeflag: tar.TypeChar}), ErrUnsupportedFileType, "unsupported file type in tarball: tty (device)"},
		{"block device", withContents(t, member{name: "sda", typeflag: tar.TypeBlock}), ErrUnsupportedFileType, ""},
		{"fifo", withContents(t, member{name: "p", typeflag: tar.TypeFifo}), ErrUnsupportedFileType, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pkg, err := Read(bytes.NewReader(tc.data), nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Read error %v, want kind %v", err, tc.want)
			}
			if pkg != nil {
				t.Error("Read returned a package with an error")
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Errorf("error %T is not a *tarball.Error", err)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("message %q, want %q", err.Error(), tc.msg)
			}
		})
	}
}

// headerOnly returns a tar header block for a regular file claiming size
// bytes, with typeflag patched in and the checksum recomputed: shapes
// archive/tar will not write.
func headerOnly(t testing.TB, name string, size int64, typeflag byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := tar.NewWriter(&buf).WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o644, Format: tar.FormatGNU}); err != nil {
		t.Fatal(err)
	}
	blk := (*[blockSize]byte)(buf.Bytes()[:blockSize])
	blk[offType] = typeflag
	copy(blk[offChksum:offChksum+lenChksum], "        ")
	putOctal(blk[offChksum:offChksum+lenChksum], checksum(blk))
	return blk[:]
}

func TestReadRefusesClaimedSizes(t *testing.T) {
	meta := outerMembersOf(t, readFixture(t, "unpack-baseline-foo-1.0.0.tar"))["metadata.config"]
	cases := []struct {
		name     string
		contents []byte
		want     error
	}{
		// Holes read as zeros that were never stored.
		{"old GNU sparse", headerOnly(t, "holes", 1<<40, tar.TypeGNUSparse), ErrUnsupportedFileType},
		// Stopped at the header, before any byte is inflated.
		{"size over the limit", headerOnly(t, "huge", 1<<40, tar.TypeReg), ErrTooBigUncompressed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := assemble(t, meta, gz(t, tc.contents))
			_, err := Read(bytes.NewReader(data), &ReadOptions{OnFile: func(FileInfo, io.Reader) error {
				t.Fatal("OnFile called for a refused entry")
				return nil
			}})
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want kind %v", err, tc.want)
			}
		})
	}
}

func TestReadChecksumMismatchNamesBoth(t *testing.T) {
	base := outerMembersOf(t, readFixture(t, "unpack-baseline-foo-1.0.0.tar"))
	data := rawTar(t,
		member{name: "VERSION", data: base["VERSION"]},
		member{name: "CHECKSUM", data: []byte(strings.Repeat("AB", 32))},
		member{name: "metadata.config", data: base["metadata.config"]},
		member{name: "contents.tar.gz", data: base["contents.tar.gz"]})
	_, err := Read(bytes.NewReader(data), nil)
	want := "tarball checksum mismatch\n\nExpected (base16-encoded): " + strings.Repeat("AB", 32) +
		"\nActual   (base16-encoded): " + string(base["CHECKSUM"])
	if err == nil || err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

func TestReadIgnoresUnknownMembers(t *testing.T) {
	base := outerMembersOf(t, readFixture(t, "unpack-baseline-foo-1.0.0.tar"))
	data := rawTar(t,
		member{name: "README", data: []byte("extra")},
		member{name: "VERSION", data: base["VERSION"]},
		member{name: "CHECKSUM", data: base["CHECKSUM"]},
		member{name: "metadata.config", data: base["metadata.config"]},
		member{name: "contents.tar.gz", data: base["contents.tar.gz"]})
	if _, err := Read(bytes.NewReader(data), nil); err != nil {
		t.Fatalf("Read: %v", err)
	}
}

func TestReadOnFileErrorStopsRead(t *testing.T) {
	stop := errors.New("enough")
	_, err := Read(bytes.NewReader(readFixture(t, "long_names-0.2.0-rc.1.tar")), &ReadOptions{
		OnFile: func(FileInfo, io.Reader) error { return stop },
	})
	if err != stop {
		t.Fatalf("error %v, want the OnFile error itself", err)
	}
}
