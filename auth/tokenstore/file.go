package tokenstore

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Names inside the file store's directory.
const (
	tokensName = "tokens.json"
	lockName   = "tokens.lock"
)

// fileStore keeps every registry's secret in dir/tokens.json, a JSON object
// from registry to base64 secret that only the user can read.
type fileStore struct {
	dir string
}

// NewFile returns the Store in dir/tokens.json. The file is mode 0600 and
// dir, when it has to be created, 0700. Writes replace the file atomically
// under a lock on dir/tokens.lock, so concurrent ship processes saving
// different registries keep each other's entries. Reading refuses a file
// other users can read or change, and neither file is ever reached through
// a symbolic link.
func NewFile(dir string) Store {
	return &fileStore{dir: dir}
}

func (s *fileStore) Kind() Kind    { return KindFile }
func (s *fileStore) Where() string { return s.path() }

func (s *fileStore) path() string { return filepath.Join(s.dir, tokensName) }

// Get reads without the lock: the file is only ever replaced whole, so a
// reader sees either the old or the new version.
func (s *fileStore) Get(registry string) ([]byte, error) {
	if registry == "" {
		return nil, errNoRegistry
	}
	root, err := os.OpenRoot(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	defer root.Close()
	tokens, err := s.read(root, true)
	if err != nil {
		return nil, err
	}
	secret, ok := tokens[registry]
	if !ok {
		return nil, ErrNotFound
	}
	return secret, nil
}

// Set also repairs a file that others could read: it is rewritten 0600.
func (s *fileStore) Set(registry string, secret []byte) error {
	if registry == "" {
		return errNoRegistry
	}
	if secret == nil {
		secret = []byte{}
	}
	return s.update(func(tokens map[string][]byte) bool {
		tokens[registry] = secret
		return true
	})
}

// Delete removes the file itself when its last entry goes.
func (s *fileStore) Delete(registry string) error {
	if registry == "" {
		return errNoRegistry
	}
	if _, err := os.Stat(s.dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return s.update(func(tokens map[string][]byte) bool {
		if _, ok := tokens[registry]; !ok {
			return false
		}
		delete(tokens, registry)
		return true
	})
}

// update is the read-modify-write of Set and Delete, under the lock. change
// reports whether it changed anything worth writing.
func (s *fileStore) update(change func(map[string][]byte) bool) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("creating the credentials directory: %w", err)
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	unlock, err := lock(root, s.dir)
	if err != nil {
		return err
	}
	defer unlock()
	tokens, err := s.read(root, false)
	if err != nil {
		return err
	}
	if !change(tokens) {
		return nil
	}
	if len(tokens) == 0 {
		if err := root.Remove(tokensName); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return syncDir(root)
	}
	return s.write(root, tokens)
}

// read parses tokens.json; a missing file is an empty map. strict refuses a
// file other users can reach, which only readers do: a writer is about to
// replace it with a private one anyway.
func (s *fileStore) read(root *os.Root, strict bool) (map[string][]byte, error) {
	tokens := map[string][]byte{}
	info, err := root.Lstat(tokensName)
	if errors.Is(err, fs.ErrNotExist) {
		return tokens, nil
	}
	if err != nil {
		return nil, err
	}
	if err := checkRegular(s.path(), info); err != nil {
		return nil, err
	}
	if strict && runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s can be read or changed by other users (mode %04o); "+
			"run `chmod 600 %s`, and log in again if others may have seen it",
			s.path(), info.Mode().Perm(), s.path())
	}
	f, err := root.Open(tokensName)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file opened must be the one just checked, not something swapped
	// in between.
	if opened, err := f.Stat(); err != nil || !os.SameFile(info, opened) {
		return nil, fmt.Errorf("%s changed while being opened; try again", s.path())
	}
	if err := json.NewDecoder(f).Decode(&tokens); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v); delete it and log in again", s.path(), err)
	}
	if tokens == nil { // the file said null
		tokens = map[string][]byte{}
	}
	return tokens, nil
}

// checkRegular refuses anything but a plain file: a symbolic link could
// point credentials at a file someone else chose.
func checkRegular(path string, info fs.FileInfo) error {
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link; ship does not keep credentials behind links, remove it", path)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	}
	return nil
}

// write replaces tokens.json atomically: a private temporary file in the
// same directory, flushed to disk, then renamed over the old one.
func (s *fileStore) write(root *os.Root, tokens map[string][]byte) (err error) {
	data, err := json.MarshalIndent(tokens, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	tmp := tokensName + ".tmp-" + rand.Text()
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing %s: %w", s.path(), err)
	}
	defer func() {
		if err != nil {
			root.Remove(tmp)
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", s.path(), err)
	}
	if err := root.Rename(tmp, tokensName); err != nil {
		return fmt.Errorf("writing %s: %w", s.path(), err)
	}
	return syncDir(root)
}

// syncDir flushes the directory entry of a rename or removal to disk.
// Windows cannot open directories for syncing, and needs not.
func syncDir(root *os.Root) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := root.Open(".")
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
