package fs_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/blob/blobtest"
	"github.com/hexship/ship/registry/blob/fs"
)

func open(t *testing.T, dir string) *fs.Store {
	t.Helper()
	s, err := fs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return open(t, t.TempDir())
	})
}

func TestOpenCreatesPrivateDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "blobs")
	s := open(t, dir)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("%s: mode %v, want a directory with mode 0700", dir, fi.Mode())
	}
	if _, err := s.Put(t.Context(), "tarballs/a-1.0.0.tar", strings.NewReader("a")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "tarballs", "a-1.0.0.tar")); err != nil || string(got) != "a" {
		t.Fatalf("the blob is not the file at its key's path: %q, %v", got, err)
	}
}

func TestOpenUnusableNamesPath(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(file, "blobs")} {
		if s, err := fs.Open(dir); err == nil || !strings.Contains(err.Error(), dir) {
			if s != nil {
				s.Close()
			}
			t.Errorf("Open(%q) error = %v; want one naming the path", dir, err)
		}
	}
}

// write creates a file under dir with the given modification time.
func write(t *testing.T, dir, name string, modTime time.Time) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, modTime, modTime); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestOpenRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	write(t, dir, ".tmp~0123456789abcdef", old)
	write(t, dir, "tarballs/.tmp~0123456789abcdef", old)
	write(t, dir, "tarballs/.tmp~fedcba9876543210", time.Now()) // another process's Put in progress
	write(t, dir, "tarballs/old-1.0.0.tar", old)                // a blob, however old, stays
	write(t, dir, "tarballs/.hidden", old)                      // a valid key, not a temporary file

	s := open(t, dir)
	for name, want := range map[string]bool{
		".tmp~0123456789abcdef":          false,
		"tarballs/.tmp~0123456789abcdef": false,
		"tarballs/.tmp~fedcba9876543210": true,
		"tarballs/old-1.0.0.tar":         true,
		"tarballs/.hidden":               true,
	} {
		if got := exists(filepath.Join(dir, filepath.FromSlash(name))); got != want {
			t.Errorf("after Open, %s exists = %v, want %v", name, got, want)
		}
	}
	left, err := s.Leftovers()
	if err != nil || !slices.Equal(left, []string{"tarballs/.tmp~fedcba9876543210"}) {
		t.Fatalf("Leftovers = %q, %v; want the fresh temporary file", left, err)
	}
}

// crashDirEnv tells the test binary, run again by TestKilledPut, to be the
// process that is killed during a Put into that directory.
const crashDirEnv = "BLOBFS_TEST_CRASH_DIR"

// blockingReader returns data once, then says so on stdout and blocks
// forever, so that the process is killed in the middle of a Put.
type blockingReader struct {
	data []byte
}

func (b *blockingReader) Read(p []byte) (int, error) {
	if len(b.data) > 0 {
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	fmt.Println("ready")
	select {}
}

func TestKilledPut(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		s, err := fs.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		s.Put(t.Context(), "tarballs/k-1.0.0.tar", &blockingReader{data: bytes.Repeat([]byte("new"), 100_000)})
		t.Fatal("Put returned from a reader that never ends")
	}

	dir := t.TempDir()
	s := open(t, dir)
	old := bytes.Repeat([]byte("old"), 1000)
	if _, err := s.Put(t.Context(), "tarballs/k-1.0.0.tar", bytes.NewReader(old)); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledPut$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := false
	for sc := bufio.NewScanner(stdout); !ready && sc.Scan(); {
		ready = sc.Text() == "ready"
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !ready {
		t.Fatalf("the child process never reached the middle of its Put; stderr:\n%s", stderr.String())
	}

	f, _, err := s.Open(t.Context(), "tarballs/k-1.0.0.tar")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	f.Close()
	if err != nil || !bytes.Equal(got, old) {
		t.Fatalf("after a Put was killed the key holds %d bytes (%v), want the old %d", len(got), err, len(old))
	}
	left, err := s.Leftovers()
	if err != nil || len(left) != 1 {
		t.Fatalf("Leftovers = %q, %v; want the killed Put's temporary file", left, err)
	}

	// Once it is old enough that no live Put can own it, the next Open
	// removes it.
	old2h := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(left[0])), old2h, old2h); err != nil {
		t.Fatal(err)
	}
	s2 := open(t, dir)
	if left, err := s2.Leftovers(); err != nil || len(left) != 0 {
		t.Fatalf("after reopening, Leftovers = %q, %v; want none", left, err)
	}
}

func TestSymlinksCannotEscape(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret.tar")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "evil")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "link.tar")); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	ctx := t.Context()

	for _, key := range []string{"evil/secret.tar", "link.tar"} {
		if f, _, err := s.Open(ctx, key); err == nil {
			data, _ := io.ReadAll(f)
			f.Close()
			t.Errorf("Open(%q) read %q through a symlink out of the store", key, data)
		}
		if info, err := s.Stat(ctx, key); err == nil {
			t.Errorf("Stat(%q) = %+v through a symlink out of the store", key, info)
		}
	}
	if _, err := s.Put(ctx, "evil/planted.tar", strings.NewReader("x")); err == nil {
		t.Errorf("Put through a symlinked directory succeeded")
	}
	if exists(filepath.Join(outside, "planted.tar")) {
		t.Errorf("Put wrote outside the store")
	}
	if err := s.Delete(ctx, "evil/secret.tar"); err == nil && !exists(secret) {
		t.Errorf("Delete removed a file outside the store")
	}
	// Replacing a symlinked key replaces the link, never its target.
	s.Put(ctx, "link.tar", strings.NewReader("replaced"))
	s.Delete(ctx, "link.tar")
	if got, err := os.ReadFile(secret); err != nil || string(got) != "secret" {
		t.Errorf("the file outside the store now holds %q, %v", got, err)
	}
	if left, err := s.Leftovers(); err != nil || len(left) != 0 {
		t.Errorf("Leftovers = %q, %v", left, err)
	}
}

// A directory cannot be both a blob and the parent of blobs, as an object
// store's key space can: the conflicting Put fails, and nothing breaks.
func TestKeyThatIsADirectory(t *testing.T) {
	s := open(t, t.TempDir())
	ctx := t.Context()
	if _, err := s.Put(ctx, "a/b", strings.NewReader("b")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "a", strings.NewReader("a")); err == nil || errors.Is(err, blob.ErrInvalidKey) {
		t.Fatalf("Put over a directory of blobs: error = %v, want a storage error", err)
	}
	if _, err := s.Stat(ctx, "a"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat of a directory of blobs: error = %v, want ErrNotFound", err)
	}
	if f, _, err := s.Open(ctx, "a"); !errors.Is(err, blob.ErrNotFound) {
		if f != nil {
			f.Close()
		}
		t.Fatalf("Open of a directory of blobs: error = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete of a directory of blobs: %v", err)
	}
	if _, err := s.Put(ctx, "a/b/c", strings.NewReader("c")); err == nil {
		t.Fatalf("Put under a blob succeeded")
	}
	if _, err := s.Stat(ctx, "a/b"); err != nil {
		t.Fatalf("the blob a/b is gone: %v", err)
	}
	if left, err := s.Leftovers(); err != nil || len(left) != 0 {
		t.Errorf("Leftovers = %q, %v", left, err)
	}
}
