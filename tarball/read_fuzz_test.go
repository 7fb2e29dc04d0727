package tarball

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read. Read must never panic, must
// refuse only with an *Error, and whatever it accepts must be safe to
// unpack and consistent with itself.
func FuzzRead(f *testing.F) {
	// Small seeds: the engine minimises every new input, which costs time
	// in proportion to its size.
	f.Add(readFixture(f, "foo-1.0.0.tar"))
	f.Add(readFixture(f, "unpack-baseline-foo-1.0.0.tar"))
	f.Add([]byte("badtar"))
	f.Add(withContents(f, member{name: "../evil", data: []byte("x")}))
	// Small limits keep each run fast; the limit logic is the same.
	limits := Limits{MaxSize: 1 << 20, MaxUncompressedSize: 4 << 20, MaxMetadataSize: 64 << 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		var sizes int64
		pkg, err := Read(bytes.NewReader(data), &ReadOptions{Limits: limits, OnFile: func(fi FileInfo, r io.Reader) error {
			// A read error here resurfaces from Read itself, as an *Error.
			n, _ := io.Copy(io.Discard, r)
			sizes += n
			return nil
		}})
		if err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T) is not a *tarball.Error", err, err)
			}
			return
		}
		if pkg.ContentsSize > limits.MaxUncompressedSize || sizes > limits.MaxUncompressedSize || pkg.Size != int64(len(data)) {
			t.Fatalf("sizes: contents %d, outer %d of %d", pkg.ContentsSize, pkg.Size, len(data))
		}
		for _, fi := range pkg.Files {
			if !safeRelativePath(fi.Name) {
				t.Fatalf("accepted unsafe path %q", fi.Name)
			}
			if fi.Linkname != "" && !safeSymlink(fi.Name, fi.Linkname) {
				t.Fatalf("accepted unsafe symlink %q -> %q", fi.Name, fi.Linkname)
			}
		}
		again, err := Read(bytes.NewReader(data), &ReadOptions{Limits: limits})
		if err != nil || again.OuterChecksum != pkg.OuterChecksum {
			t.Fatalf("second read differs: %v", err)
		}
	})
}
