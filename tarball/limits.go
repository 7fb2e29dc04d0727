package tarball

import "io"

// capWriter passes writes through until more than max bytes were written,
// then fails with err, so an oversized package is stopped as soon as it
// overflows.
type capWriter struct {
	w   io.Writer
	n   int64
	max int64
	err error
}

func (c *capWriter) Write(p []byte) (int, error) {
	if c.n+int64(len(p)) > c.max {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// capReader is the reading side of capWriter: it fails with err on the
// first byte past max instead of returning a silently truncated stream.
type capReader struct {
	r   io.Reader
	n   int64
	max int64
	err error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, c.err
	}
	if int64(len(p)) > c.max-c.n+1 {
		p = p[:c.max-c.n+1]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, c.err
	}
	return n, err
}

func (l Limits) tooBig() error {
	return &Error{Kind: ErrTooBig, Detail: formatMB(l.MaxSize)}
}

func (l Limits) tooBigUncompressed() error {
	return &Error{Kind: ErrTooBigUncompressed, Detail: formatMB(l.MaxUncompressedSize)}
}
