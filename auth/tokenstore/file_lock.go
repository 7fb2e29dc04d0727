package tokenstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockWait bounds how long a write waits for another ship process to finish
// its own; holders keep the lock for one read-modify-write, so running into
// this means a process is stuck.
const lockWait = 30 * time.Second

// lock takes the file store's lock, dir/tokens.lock, for one
// read-modify-write, and returns the function that releases it.
func lock(root *os.Root, dir string) (func(), error) {
	path := filepath.Join(dir, lockName)
	// Create the lock file through root first: the lock library opens it by
	// path, which would follow a link out of dir.
	if info, err := root.Lstat(lockName); err == nil {
		if err := checkRegular(path, info); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := root.OpenFile(lockName, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	f.Close()
	l := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	ok, err := l.TryLockContext(ctx, 20*time.Millisecond)
	if !ok {
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("another ship process has held %s for over %s; try again when it has finished", path, lockWait)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { l.Unlock() }, nil
}
