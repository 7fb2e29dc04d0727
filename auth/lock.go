package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// maxLockWait bounds the wait for another process's refresh when the
// caller's context has no deadline. A refresh is one request bounded by
// its client's timeout, so a lock held longer belongs to a stuck process.
const maxLockWait = 2 * time.Minute

// lockRetry is how often a waiting process tries the lock again.
const lockRetry = 20 * time.Millisecond

// lockPath is the registry's lock file: one per registry, named by a hash
// of its API URL so that any URL makes a valid file name.
func lockPath(dir, api string) string {
	sum := sha256.Sum256([]byte(api))
	return filepath.Join(dir, hex.EncodeToString(sum[:])[:16]+".lock")
}

// withLock runs fn holding the registry's cross-process lock: an
// exclusive flock(2) on a 0600 file in dir (created 0700 if missing),
// waited for until ctx ends or maxLockWait passes. The file stays when
// the lock is released; removing it would let two processes lock two
// different files of the same name.
func withLock[T any](ctx context.Context, dir, api string, fn func() (T, error)) (T, error) {
	var zero T
	if dir == "" {
		return zero, errors.New("no directory for the credentials lock file")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return zero, fmt.Errorf("creating the lock directory: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, maxLockWait)
	defer cancel()
	path := lockPath(dir, api)
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(ctx, lockRetry)
	switch {
	case ok:
	case ctx.Err() != nil:
		// Wraps the context's error: a cancelled command reads as such.
		return zero, fmt.Errorf("waiting for another ship process to finish refreshing the login (lock %s): %w", path, ctx.Err())
	default:
		return zero, fmt.Errorf("locking %s: %w", path, err)
	}
	defer l.Unlock()
	return fn()
}
