// Package blob defines the registry's storage for files that never change
// once written under a key: package tarballs and docs tarballs. An
// implementation keeps them on a local disk (package fs) or in an object
// store; all of them pass the conformance suite in package blobtest.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// Store keeps immutable-by-key files (package tarballs, docs tarballs).
// Every method is safe for concurrent use, and keys are checked with
// ValidKey before anything else is done.
type Store interface {
	// Put stores the whole of r under key atomically: a concurrent or later
	// Open sees either the previous complete content or the new complete
	// content, never a part, even if the process is killed during Put. On
	// any error (including r returning an error) nothing new is visible and
	// no temporary data is left behind. Returns bytes written.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the content for reading and seeking (http.ServeContent
	// needs Seek) and its Info. The File keeps reading the content it
	// opened even if a Put replaces the key meanwhile.
	Open(ctx context.Context, key string) (File, Info, error)
	// Stat returns key's Info.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes key; no error when it is absent.
	Delete(ctx context.Context, key string) error
	// List calls fn with the key and Info of every blob whose key starts
	// with prefix ("" for all), in no particular order, so that a garbage
	// collector can find the blobs nothing refers to. Every key present
	// for the whole listing is visited exactly once; a key put or deleted
	// while List runs may or may not be. Only valid keys are visited:
	// whatever else the backend holds (temporary files, objects another
	// program wrote) is skipped. fn may call the store's other methods,
	// Delete of the key it was given included. List stops at fn's first
	// error and returns it as is; once ctx ends it stops with an error
	// that errors.Is ctx's. A prefix that no valid key can start with
	// lists nothing.
	List(ctx context.Context, prefix string, fn func(key string, info Info) error) error
}

// File is an opened blob.
type File interface {
	io.Reader
	io.Seeker
	io.Closer
}

// Info describes a stored blob.
type Info struct {
	Size    int64
	ModTime time.Time // when the content was stored
}

var (
	// ErrNotFound: no blob is stored under the key. Stores wrap it with the
	// key (NotFound).
	ErrNotFound = errors.New("blob not found")
	// ErrInvalidKey: the key breaks ValidKey's rules. Stores wrap it with
	// the key and the reason.
	ErrInvalidKey = errors.New("invalid blob key")
)

// NotFound returns ErrNotFound wrapped with key, for implementations.
func NotFound(key string) error {
	return &keyError{key: key, err: ErrNotFound}
}

// keyError is an error about one key; errors.Is sees err.
type keyError struct {
	key    string
	err    error
	reason string
}

func (e *keyError) Error() string {
	msg := e.err.Error() + " " + quoteKey(e.key)
	if e.reason != "" {
		msg += ": " + e.reason
	}
	return msg
}

func (e *keyError) Unwrap() error { return e.err }

// ContextReader returns a reader of r that fails once ctx has ended, so
// that a Put copying a slow upload stops when its request is cancelled.
// Implementations wrap the reader they copy from with it.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx, r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
