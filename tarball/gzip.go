package tarball

import (
	"io"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/pgzip"
)

// gzipBlockSize is the amount of input each parallel deflate works on.
// Output bytes depend on it (each block restarts the deflate state from the
// previous block's window), so it is fixed: changing it changes checksums.
const gzipBlockSize = 1 << 20

// newGzipWriter returns a gzip writer whose 10-byte header matches hex_core's
// (no name, no mtime, XFL 0, OS 0). Contents of more than one block are
// compressed on all cores; smaller ones in one stream, which skips the
// parallel writer's fixed cost of several megabytes of buffers. The choice
// depends only on the input, so output stays deterministic. The deflate
// bytes differ from zlib's; checksums are computed over what is written,
// so readers never need them to match.
func newGzipWriter(w io.Writer, inputSize int64) io.WriteCloser {
	if inputSize <= gzipBlockSize {
		zw := gzip.NewWriter(w)
		zw.Header.OS = 0
		zw.Header.ModTime = time.Unix(0, 0)
		return zw
	}
	zw := pgzip.NewWriter(w)
	zw.Header.OS = 0
	// pgzip writes ModTime.Unix() as is, so the zero time would not give 0.
	zw.Header.ModTime = time.Unix(0, 0)
	// SetConcurrency only fails for a block size under 1 KiB or no blocks.
	_ = zw.SetConcurrency(gzipBlockSize, 4)
	return zw
}
