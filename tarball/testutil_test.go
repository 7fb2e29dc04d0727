package tarball

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"os"
	"testing"
)

// memFile is a regular File whose bytes are in memory.
func memFile(name, data string, perm fs.FileMode) File {
	return File{
		Name: name, Mode: perm, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte(data))), nil },
	}
}

func testMetadata() Metadata {
	return Metadata{
		Name: "foo", Version: "1.0.0", App: "foo", Description: "A test package.",
		Licenses: []string{"Apache-2.0"}, BuildTools: []string{"rebar3"},
		Files: []string{"src/foo.erl"},
	}
}

// build builds a tarball in memory and fails the test on error.
func build(t testing.TB, meta Metadata, files []File) ([]byte, Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := Build(&buf, meta, files)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return buf.Bytes(), res
}

// readWithContents reads a tarball that must be valid and returns it with
// the contents of its regular files by name.
func readWithContents(t testing.TB, data []byte) (*Package, map[string]string) {
	t.Helper()
	contents := map[string]string{}
	pkg, err := Read(bytes.NewReader(data), &ReadOptions{OnFile: func(f FileInfo, r io.Reader) error {
		b, err := io.ReadAll(r)
		contents[f.Name] = string(b)
		return err
	}})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return pkg, contents
}

// member is one raw outer-tar member for hand-made (hostile) tarballs.
type member struct {
	name     string
	data     []byte
	typeflag byte
	linkname string
	mode     int64
}

// rawTar writes members with archive/tar, which lets tests build shapes
// Build refuses to write.
func rawTar(t testing.TB, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range members {
		h := &tar.Header{Name: m.name, Size: int64(len(m.data)), Mode: 0o644, Typeflag: m.typeflag, Linkname: m.linkname, Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if m.mode != 0 {
			h.Mode = m.mode
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// outerMembersOf returns the members of an outer tarball by name.
func outerMembersOf(t testing.TB, tarball []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(tarball))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = data
	}
}

// assemble writes a tarball from raw member bytes with a correct CHECKSUM,
// the way Build would have written them.
func assemble(t testing.TB, metadata, contents []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := writeOuter(&buf, metadata, contents); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/hexcore/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
