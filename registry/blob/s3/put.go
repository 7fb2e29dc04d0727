package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hexship/ship/registry/blob"
)

// Put implements blob.Store with one PutObject, which S3 shows whole or not
// at all. See the package documentation for the body it sends.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := blob.ValidKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	body, size, release, err := sizedBody(ctx, r)
	if err != nil {
		return 0, fmt.Errorf("s3 blob store: blob %q: %w", key, err)
	}
	defer release()
	_, err = s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket:        aws.String(s.loc.bucket),
		Key:           s.object(key),
		Body:          body,
		ContentLength: aws.Int64(size),
	})
	if err != nil {
		// Not keyError: a 404 here means a missing bucket, not a missing blob.
		return 0, fmt.Errorf("s3 blob store: blob %q: %w", key, err)
	}
	return size, nil
}

// sizedBody returns r as a body whose length is known and that the SDK can
// rewind to sign, checksum and retry it: r itself when it can seek, else
// a copy in a temporary file. release frees the copy.
func sizedBody(ctx context.Context, r io.Reader) (body io.ReadSeeker, size int64, release func(), err error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if size, ok, err := remaining(rs); ok || err != nil {
			return rs, size, func() {}, err
		}
	}
	return spool(ctx, r)
}

// remaining returns how many bytes rs holds from its current position, and
// false when it cannot seek (a pipe or a socket behind an *os.File), in
// which case it has not moved.
func remaining(rs io.ReadSeeker) (int64, bool, error) {
	cur, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, false, nil
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, false, nil
	}
	if _, err := rs.Seek(cur, io.SeekStart); err != nil {
		return 0, false, fmt.Errorf("rewinding the content after measuring it: %w", err)
	}
	return max(end-cur, 0), true, nil
}

// spool copies r into a temporary file and returns the file at its start.
// The file is unlinked at once where the system allows it, so that a
// killed process leaves nothing behind.
func spool(ctx context.Context, r io.Reader) (io.ReadSeeker, int64, func(), error) {
	f, err := os.CreateTemp("", "shipyard-s3-put-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("buffering the content: %w", err)
	}
	unlinked := os.Remove(f.Name()) == nil
	release := func() {
		f.Close()
		if !unlinked {
			os.Remove(f.Name())
		}
	}
	n, err := io.Copy(f, blob.ContextReader(ctx, r))
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		release()
		var werr *os.PathError
		if errors.As(err, &werr) && werr.Path == f.Name() {
			err = fmt.Errorf("buffering the content: %w", err)
		}
		return nil, 0, nil, err
	}
	return f, n, release, nil
}
