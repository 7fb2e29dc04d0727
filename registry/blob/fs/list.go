package fs

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"strings"
	"syscall"

	"github.com/hexship/ship/registry/blob"
)

// List implements blob.Store by walking the directory inside the os.Root,
// from the deepest directory prefix names and only into directories that
// can hold a key with the prefix. It visits regular files whose path is a
// valid key: not the temporary files of Puts (their "~" is never in a
// key), nor symlinks, nor files an operator dropped under a name no key
// has. Each directory is read whole before its files are visited, so fn
// may delete them.
func (s *Store) List(ctx context.Context, prefix string, fn func(key string, info blob.Info) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	start := "."
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = prefix[:i]
		// A key under start/ would make start itself a valid key.
		if blob.ValidKey(start) != nil {
			return nil
		}
	}
	var stop error // fn's error, returned as is even if it is fs.SkipDir
	err := iofs.WalkDir(s.root.FS(), start, func(name string, d iofs.DirEntry, err error) error {
		switch {
		case errors.Is(err, iofs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
			return nil // removed while listing, or prefix names no directory
		case err != nil:
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if name != start && (blob.ValidKey(name) != nil || !mayHold(name, prefix)) {
				return iofs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(name, prefix) || blob.ValidKey(name) != nil {
			return nil
		}
		fi, err := d.Info()
		switch {
		case errors.Is(err, iofs.ErrNotExist):
			return nil // deleted since the directory was read
		case err != nil:
			return err
		}
		if err := fn(name, info(fi)); err != nil {
			stop = err
			return iofs.SkipAll
		}
		return nil
	})
	switch {
	case stop != nil:
		return stop
	case err != nil && ctx.Err() == nil:
		return fmt.Errorf("blob store %s: listing %q: %w", s.dir, prefix, err)
	}
	return err
}

// mayHold tells whether directory dir can hold a key starting with prefix:
// every key under it does, or prefix goes on below it.
func mayHold(dir, prefix string) bool {
	return strings.HasPrefix(dir+"/", prefix) || strings.HasPrefix(prefix, dir+"/")
}
