package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hexship/ship/registry/blob"
)

// ErrChanged is returned by a File's Read when it needed a new request to
// go on (after a backward or long Seek, or a broken connection) and the
// object is no longer the one it opened: replaced or deleted. The File
// then fails rather than mix two contents.
var ErrChanged = errors.New("blob was replaced or deleted while it was being read")

// maxSkip is how far forward a Read may be from the open response and
// still be reached by discarding bytes rather than a new request: about
// what one round trip costs on a fast link.
const maxSkip = 256 << 10

// maxAttempts bounds the requests one Read makes after connections break.
const maxAttempts = 3

// File reads one blob from one version of its object.
//
// Open sends a GetObject for the whole object and File reads from that
// response as long as the reads are sequential, so a blob read from start
// to end (as http.ServeContent does, after seeking to the end to learn
// the size and back) costs one request. Seek only records the position; a
// Read that is not where the response is opens a ranged GET from there
// (short forward skips just discard), as does a Read after a broken
// connection.
//
// Those later GETs carry If-Match with the ETag of the first response, and
// their ETag is checked too, so they can only return bytes of the content
// that was opened (or of a byte-identical replacement). The guarantee:
//   - a File never returns a mix of two contents;
//   - a sequential reader keeps reading the content it opened, however the
//     key is replaced meanwhile, because S3 (and versitygw) finish serving
//     a response from the version it started with;
//   - only a reader that needs a new request after the key was replaced or
//     deleted gets ErrChanged instead of the rest of the old content.
//
// The alternative, copying each blob to memory or a temporary file at
// Open, would keep the old content for any access pattern, but would cost
// every download the whole object's size in memory or disk before its
// first byte, where the registry's downloads are sequential and blobs
// are rarely replaced (docs republished, a version republished in its
// first hour).
//
// A File reads under the context given to Open: ending it ends the reads.
// It is not safe for concurrent use.
type File struct {
	ctx    context.Context
	s      *Store
	key    string
	etag   string
	size   int64
	pos    int64         // where the next Read starts
	body   io.ReadCloser // the open response, or nil
	at     int64         // offset of body's next byte
	closed bool
}

var _ blob.File = (*File)(nil)

// Open implements blob.Store. The returned blob.File is a *File.
func (s *Store) Open(ctx context.Context, key string) (blob.File, blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return nil, blob.Info{}, err
	}
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.loc.bucket), Key: s.object(key)})
	if err != nil {
		return nil, blob.Info{}, s.keyError(key, err)
	}
	f := &File{
		ctx:  ctx,
		s:    s,
		key:  key,
		etag: aws.ToString(out.ETag),
		size: aws.ToInt64(out.ContentLength),
		body: out.Body,
	}
	if out.ContentLength == nil || f.size < 0 {
		f.Close()
		return nil, blob.Info{}, fmt.Errorf("s3 blob store: blob %q: the server gave no length", key)
	}
	return f, info(out.ContentLength, out.LastModified), nil
}

// info makes a blob.Info of an object's metadata.
func info(size *int64, modTime *time.Time) blob.Info {
	return blob.Info{Size: aws.ToInt64(size), ModTime: aws.ToTime(modTime)}
}

// Read implements io.Reader.
func (f *File) Read(p []byte) (int, error) {
	if f.closed {
		return 0, fmt.Errorf("s3 blob store: blob %q: read after Close", f.key)
	}
	if f.pos >= f.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > f.size-f.pos {
		p = p[:f.size-f.pos]
	}
	f.align()
	var lastErr error
	for range maxAttempts {
		if f.body == nil {
			if err := f.get(); err != nil {
				return 0, err
			}
		}
		n, err := f.body.Read(p)
		f.pos += int64(n)
		f.at += int64(n)
		if err != nil {
			f.drop() // the next Read starts a new request at f.pos
			if cerr := f.ctx.Err(); cerr != nil {
				return n, cerr
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // f.pos < f.size, or p was cut to fit
			}
		}
		if n > 0 {
			return n, nil
		}
		if err != nil {
			lastErr = err
		}
	}
	if lastErr == nil {
		lastErr = io.ErrNoProgress
	}
	return 0, fmt.Errorf("s3 blob store: blob %q: reading at byte %d: %w", f.key, f.pos, lastErr)
}

// align brings the open response to f.pos when a short forward skip gets
// there, and drops it otherwise.
func (f *File) align() {
	if f.body == nil || f.at == f.pos {
		return
	}
	if gap := f.pos - f.at; gap > 0 && gap <= maxSkip {
		n, err := io.CopyN(io.Discard, f.body, gap)
		f.at += n
		if err == nil {
			return
		}
	}
	f.drop()
}

// get opens a ranged GET from f.pos, pinned to the opened content.
func (f *File) get() error {
	if f.etag == "" {
		return fmt.Errorf("s3 blob store: blob %q: %w (the server gave no ETag to check it against)", f.key, ErrChanged)
	}
	out, err := f.s.client.GetObject(f.ctx, &awss3.GetObjectInput{
		Bucket:  aws.String(f.s.loc.bucket),
		Key:     f.s.object(f.key),
		Range:   aws.String("bytes=" + strconv.FormatInt(f.pos, 10) + "-"),
		IfMatch: aws.String(f.etag),
	})
	switch status := httpStatus(err); {
	case err == nil:
	case status == http.StatusPreconditionFailed || isNotFound(err):
		return fmt.Errorf("s3 blob store: blob %q: %w", f.key, ErrChanged)
	default:
		return f.s.keyError(f.key, err)
	}
	// A server that ignored If-Match or Range must not slip other bytes in.
	if aws.ToString(out.ETag) != f.etag {
		out.Body.Close()
		return fmt.Errorf("s3 blob store: blob %q: %w", f.key, ErrChanged)
	}
	if want := fmt.Sprintf("bytes %d-%d/%d", f.pos, f.size-1, f.size); aws.ToString(out.ContentRange) != want {
		out.Body.Close()
		return fmt.Errorf("s3 blob store: blob %q: asked for bytes from %d, got range %q", f.key, f.pos, aws.ToString(out.ContentRange))
	}
	f.body, f.at = out.Body, f.pos
	return nil
}

// drop closes the open response.
func (f *File) drop() {
	if f.body != nil {
		f.body.Close()
		f.body = nil
	}
}

// Seek implements io.Seeker. It makes no request: the next Read does.
// Seeking past the end is allowed, and Read there returns io.EOF.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	if f.closed {
		return 0, fmt.Errorf("s3 blob store: blob %q: seek after Close", f.key)
	}
	var pos int64
	switch whence {
	case io.SeekStart:
		pos = offset
	case io.SeekCurrent:
		pos = f.pos + offset
	case io.SeekEnd:
		pos = f.size + offset
	default:
		return f.pos, fmt.Errorf("s3 blob store: blob %q: seek whence %d", f.key, whence)
	}
	if pos < 0 {
		return f.pos, fmt.Errorf("s3 blob store: blob %q: seek to negative position %d", f.key, pos)
	}
	f.pos = pos
	return pos, nil
}

// Close implements io.Closer, ending the open response if any.
func (f *File) Close() error {
	f.drop()
	f.closed = true
	return nil
}
