// Package fs is a blob.Store on a local directory: each key is a file at
// that path under the directory.
//
// Put writes a temporary file next to the target, syncs it and renames it
// over the target, then syncs the directory, so that readers and a crash
// see the old or the new content whole. Temporary files are named with a
// "~", which keys cannot contain, so no key can name one; a killed process
// leaves them behind, and Open removes those older than an hour (younger
// ones may belong to another process writing into the same directory).
// Finding them walks the whole directory, once per Open.
//
// List walks the directory tree under the prefix and skips the temporary
// files, so a listing shows only whole blobs.
//
// Every path goes through an os.Root, so no key, and no symlink planted
// inside the directory, can reach a file outside it.
//
// Unlike an object store, a directory cannot hold both "a" and "a/b": a
// Put that would need one where the other is fails, and a key that names
// a directory is not found.
package fs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/hexship/ship/registry/blob"
)

// Store is a blob.Store on a local directory.
type Store struct {
	dir  string
	root *os.Root
}

var _ blob.Store = (*Store)(nil)

const (
	// tempPrefix starts the names of temporary files. "~" is not allowed in
	// keys, so a temporary file is never a blob.
	tempPrefix = ".tmp~"
	// staleAfter is the age past which Open removes a temporary file: no
	// Put takes that long, so its writer is dead.
	staleAfter = time.Hour
)

// Open opens the store in dir, creating dir (mode 0700) when it is
// missing, and removes temporary files that killed processes left there.
// The error names dir when it cannot be used.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob store %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob store %s: %w", dir, err)
	}
	s := &Store{dir: dir, root: root}
	if err := s.check(); err != nil {
		root.Close()
		return nil, fmt.Errorf("blob store %s: %w", dir, err)
	}
	return s, nil
}

// check makes sure the directory can be written, so that a read-only or
// full disk shows when the store is opened rather than on the first
// upload, and removes stale temporary files.
func (s *Store) check() error {
	name, f, err := s.createTemp(".")
	if err != nil {
		return err
	}
	f.Close()
	if err := s.root.Remove(name); err != nil {
		return err
	}
	return s.removeStale(time.Now().Add(-staleAfter))
}

// Close releases the directory.
func (s *Store) Close() error {
	return s.root.Close()
}

// Put implements blob.Store. If syncing the directory fails after the
// rename, the new content is visible but may not survive a crash, and Put
// returns the error with the byte count.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := blob.ValidKey(key); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	dir := path.Dir(key)
	if dir != "." {
		if err := s.root.MkdirAll(dir, 0o700); err != nil {
			return 0, putError(key, err)
		}
	}
	tmp, f, err := s.createTemp(dir)
	if err != nil {
		return 0, putError(key, err)
	}
	n, err := write(ctx, f, r)
	if err == nil {
		err = s.root.Rename(tmp, key)
	}
	if err != nil {
		s.root.Remove(tmp)
		return 0, putError(key, err)
	}
	if err := s.syncDir(dir); err != nil {
		return n, putError(key, fmt.Errorf("stored but not synced: %w", err))
	}
	return n, nil
}

// putError names the key a Put failed for. Unlike keyError it never says
// ErrNotFound: the error may be the reader's own.
func putError(key string, err error) error {
	return fmt.Errorf("blob %q: %w", key, err)
}

// write copies r to f, stopping when ctx ends, then syncs and closes f.
func write(ctx context.Context, f *os.File, r io.Reader) (int64, error) {
	n, err := io.Copy(f, blob.ContextReader(ctx, r))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// createTemp creates a new temporary file in dir.
func (s *Store) createTemp(dir string) (string, *os.File, error) {
	for {
		var b [8]byte
		rand.Read(b[:])
		name := path.Join(dir, tempPrefix+hex.EncodeToString(b[:]))
		f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, iofs.ErrExist) {
			continue // 64 random bits collided: try others
		}
		return name, f, err
	}
}

// syncDir makes the directory's entries, such as a rename, durable.
func (s *Store) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open implements blob.Store.
func (s *Store) Open(ctx context.Context, key string) (blob.File, blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return nil, blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, blob.Info{}, err
	}
	f, err := s.root.Open(key)
	if err != nil {
		return nil, blob.Info{}, keyError(key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = iofs.ErrNotExist // a directory holding other keys
	}
	if err != nil {
		f.Close()
		return nil, blob.Info{}, keyError(key, err)
	}
	return f, info(fi), nil
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return blob.Info{}, err
	}
	fi, err := s.root.Stat(key)
	if err == nil && !fi.Mode().IsRegular() {
		err = iofs.ErrNotExist
	}
	if err != nil {
		return blob.Info{}, keyError(key, err)
	}
	return info(fi), nil
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := s.root.Lstat(key)
	switch {
	case err != nil:
	case fi.IsDir():
		return nil // a directory holding other keys: nothing is stored under key
	default:
		if err = s.root.Remove(key); err == nil {
			err = s.syncDir(path.Dir(key))
		}
	}
	if err = keyError(key, err); errors.Is(err, blob.ErrNotFound) {
		return nil // already absent
	}
	return err
}

func info(fi iofs.FileInfo) blob.Info {
	return blob.Info{Size: fi.Size(), ModTime: fi.ModTime()}
}

// keyError turns a file system error about key into blob.ErrNotFound when
// nothing is stored under key, and otherwise names key; nil stays nil.
func keyError(key string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, iofs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return blob.NotFound(key)
	}
	return fmt.Errorf("blob %q: %w", key, err)
}

// Leftovers lists the temporary files in the store, as slash-separated
// paths relative to its directory: those of Puts in progress and those
// that killed processes left. The conformance suite checks that a failed
// Put leaves none.
func (s *Store) Leftovers() ([]string, error) {
	return s.temps(time.Time{})
}

// removeStale removes the temporary files last modified before cutoff.
func (s *Store) removeStale(cutoff time.Time) error {
	stale, err := s.temps(cutoff)
	if err != nil {
		return err
	}
	for _, name := range stale {
		if err := s.root.Remove(name); err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// temps lists the temporary files, only those last modified before cutoff
// unless it is zero.
func (s *Store) temps(cutoff time.Time) ([]string, error) {
	var names []string
	err := iofs.WalkDir(s.root.FS(), ".", func(name string, d iofs.DirEntry, err error) error {
		switch {
		case errors.Is(err, iofs.ErrNotExist):
			return nil // removed while walking, by another process
		case err != nil:
			return err
		case d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix):
			return nil
		}
		if !cutoff.IsZero() {
			fi, err := d.Info()
			if errors.Is(err, iofs.ErrNotExist) {
				return nil
			}
			if err != nil || !fi.ModTime().Before(cutoff) {
				return err
			}
		}
		names = append(names, name)
		return nil
	})
	return names, err
}
