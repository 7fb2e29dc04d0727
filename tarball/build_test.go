package tarball

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestBuildThenRead(t *testing.T) {
	files := []File{
		memFile("src/foo.erl", "-module(foo).", 0o644),
		memFile("bin/run", "#!/bin/sh\n", 0o755),
		{Name: "priv/empty", Mode: fs.ModeDir | 0o755},
		{Name: "src/link.erl", Mode: fs.ModeSymlink | 0o777, Linkname: "foo.erl"},
	}
	meta := testMetadata()
	data, res := build(t, meta, files)

	pkg, got := readWithContents(t, data)
	if pkg.InnerChecksum != res.InnerChecksum || pkg.OuterChecksum != res.OuterChecksum || pkg.Size != res.Size {
		t.Errorf("Read reports checksums %X/%X size %d, Build %X/%X size %d",
			pkg.InnerChecksum, pkg.OuterChecksum, pkg.Size, res.InnerChecksum, res.OuterChecksum, res.Size)
	}
	if !reflect.DeepEqual(pkg.Metadata, meta) {
		t.Errorf("metadata round trip:\n got %+v\nwant %+v", pkg.Metadata, meta)
	}
	wantFiles := []FileInfo{
		{Name: "bin/run", Mode: 0o755, Size: 10},
		{Name: "priv/empty", Mode: fs.ModeDir | 0o755},
		{Name: "src/foo.erl", Mode: 0o644, Size: 13},
		{Name: "src/link.erl", Mode: fs.ModeSymlink | 0o777, Linkname: "foo.erl"},
	}
	if !reflect.DeepEqual(pkg.Files, wantFiles) {
		t.Errorf("files (sorted by name):\n got %+v\nwant %+v", pkg.Files, wantFiles)
	}
	if got["src/foo.erl"] != "-module(foo)." || got["bin/run"] != "#!/bin/sh\n" {
		t.Errorf("file contents %q", got)
	}
}

func TestBuildWritesHexCoreEntries(t *testing.T) {
	data, _ := build(t, testMetadata(), []File{memFile("src/foo.erl", "x", 0o640)})
	tr := tar.NewReader(bytes.NewReader(data))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.ModTime.Unix() != epoch || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Format != tar.FormatUSTAR {
			t.Errorf("%s: mtime %d uid %d gid %d uname %q format %v", h.Name, h.ModTime.Unix(), h.Uid, h.Gid, h.Uname, h.Format)
		}
		if h.Name == "contents.tar.gz" {
			raw, _ := io.ReadAll(tr)
			// hex_core's gzip header: no flags, no mtime, XFL 0, OS 0.
			if want := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0}; !bytes.Equal(raw[:10], want) {
				t.Errorf("gzip header % x, want % x", raw[:10], want)
			}
			zr, _ := gzip.NewReader(bytes.NewReader(raw))
			inner, _ := tar.NewReader(zr).Next()
			if inner.Mode != 0o100640 {
				t.Errorf("inner mode %o, want the file's mode with type bits, 100640", inner.Mode)
			}
		}
	}
	if want := []string{"VERSION", "CHECKSUM", "metadata.config", "contents.tar.gz"}; !reflect.DeepEqual(names, want) {
		t.Errorf("members %v, want %v", names, want)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	// Larger than one parallel gzip block, so block boundaries matter.
	big := strings.Repeat("defmodule Foo do\n  def bar, do: :baz\nend\n", 80_000)
	files := func() []File {
		return []File{memFile("lib/z.ex", big, 0o644), memFile("lib/a.ex", "a", 0o644)}
	}
	first, _ := build(t, testMetadata(), files())
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	second, _ := build(t, testMetadata(), files())
	if !bytes.Equal(first, second) {
		t.Fatal("two builds of the same input differ")
	}
}

func TestBuildRefuses(t *testing.T) {
	small := Limits{MaxSize: 64 << 10, MaxUncompressedSize: 256 << 10, MaxMetadataSize: 1 << 10}
	cases := []struct {
		name   string
		limits Limits
		meta   Metadata
		files  []File
		want   error
		msg    string
	}{
		{"parent path", DefaultLimits, testMetadata(), []File{memFile("../x", "", 0o644)}, ErrUnsafePath, "unsafe path in tarball: ../x"},
		{"climbing path", DefaultLimits, testMetadata(), []File{memFile("a/../../x", "", 0o644)}, ErrUnsafePath, ""},
		{"absolute path", DefaultLimits, testMetadata(), []File{memFile("/etc/passwd", "", 0o644)}, ErrUnsafePath, ""},
		{"drive letter", DefaultLimits, testMetadata(), []File{memFile("C:/x", "", 0o644)}, ErrUnsafePath, ""},
		{"backslash", DefaultLimits, testMetadata(), []File{memFile(`a\..\..\x`, "", 0o644)}, ErrUnsafePath, ""},
		{"escaping symlink", DefaultLimits, testMetadata(), []File{{Name: "lib/l", Mode: fs.ModeSymlink, Linkname: "../../etc/passwd"}}, ErrUnsafeSymlink, "unsafe symlink in tarball: lib/l -> ../../etc/passwd"},
		{"absolute symlink", DefaultLimits, testMetadata(), []File{{Name: "l", Mode: fs.ModeSymlink, Linkname: "/etc/passwd"}}, ErrUnsafeSymlink, ""},
		{"device", DefaultLimits, testMetadata(), []File{{Name: "dev", Mode: fs.ModeDevice | fs.ModeCharDevice}}, ErrUnsupportedFileType, ""},
		{"fifo", DefaultLimits, testMetadata(), []File{{Name: "p", Mode: fs.ModeNamedPipe}}, ErrUnsupportedFileType, ""},
		{"duplicate", DefaultLimits, testMetadata(), []File{memFile("a", "", 0o644), memFile("a", "", 0o644)}, ErrDuplicateMember, ""},
		{"metadata too big", small, Metadata{Name: "foo", Version: "1.0.0", Description: strings.Repeat("x", 2<<10)}, nil, ErrFileTooBig, "file too big: metadata.config"},
		{"uncompressed too big", small, testMetadata(), []File{memFile("zeros", strings.Repeat("\x00", 300<<10), 0o644)}, ErrTooBigUncompressed, "package exceeds max uncompressed size 0.262144 MB"},
		{"compressed too big", small, testMetadata(), []File{memFile("noise", noise(100<<10), 0o644)}, ErrTooBig, "package exceeds max compressed size 0.065536 MB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := tc.limits.Build(&out, tc.meta, tc.files)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want kind %v", err, tc.want)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("message %q, want %q", err.Error(), tc.msg)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes written before the refusal", out.Len())
			}
		})
	}
}

func TestBuildNoticesAFileThatChanged(t *testing.T) {
	f := memFile("a", "short", 0o644)
	f.Size = 100 // as if the file shrank after it was listed
	_, err := Build(io.Discard, testMetadata(), []File{f})
	if err == nil || !strings.Contains(err.Error(), "file changed while it was read") {
		t.Fatalf("error %v", err)
	}
}

// noise returns n bytes that do not compress.
func noise(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return string(b)
}
