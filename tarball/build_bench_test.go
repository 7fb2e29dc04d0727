package tarball

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"
)

// benchFiles returns n files of about size bytes of source-like text.
func benchFiles(n, size int) []File {
	files := make([]File, n)
	for i := range files {
		var b strings.Builder
		for j := 0; b.Len() < size; j++ {
			fmt.Fprintf(&b, "  def function_%d_%d(arg, opts), do: Enum.map(arg, &(&1 + %d))\n", i, j, j*7)
		}
		files[i] = memFile(fmt.Sprintf("lib/module_%03d.ex", i), b.String(), 0o644)
	}
	return files
}

// BenchmarkBuild20Files builds a typical small package; compare its ns/op
// with BenchmarkStdlibTarGzip20Files, the same files through archive/tar
// and compress/gzip, measured in the same run.
func BenchmarkBuild20Files(b *testing.B) {
	files := benchFiles(20, 2000)
	meta := testMetadata()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(io.Discard, meta, files); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibTarGzip20Files(b *testing.B) {
	files := benchFiles(20, 2000)
	b.ReportAllocs()
	for b.Loop() {
		zw := gzip.NewWriter(io.Discard)
		tw := tar.NewWriter(zw)
		for _, f := range files {
			r, _ := f.Open()
			if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: f.Size}); err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(tw, r); err != nil {
				b.Fatal(err)
			}
		}
		tw.Close()
		zw.Close()
	}
}
