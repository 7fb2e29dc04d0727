package tokenstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const (
	regA = "https://hex.example/api"
	regB = "http://127.0.0.1:4000/api"
)

func TestFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ship")
	s := NewFile(dir)
	if s.Kind() != KindFile || s.Where() != filepath.Join(dir, "tokens.json") {
		t.Fatalf("Kind %q Where %q", s.Kind(), s.Where())
	}
	if _, err := s.Get(regA); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before any Set (no directory yet): %v, want ErrNotFound", err)
	}
	if err := s.Delete(regA); err != nil {
		t.Fatalf("Delete with nothing stored: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get and Delete created %s: %v", dir, err)
	}

	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	mustSet(t, s, regA, []byte(`{"access_token":"a1"}`))
	mustSet(t, s, regB, binary)
	mustGet(t, s, regA, []byte(`{"access_token":"a1"}`))
	mustGet(t, s, regB, binary)

	mustSet(t, s, regA, []byte("a2"))
	mustGet(t, s, regA, []byte("a2"))
	mustGet(t, s, regB, binary)

	if err := s.Delete(regA); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(regA); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	mustGet(t, s, regB, binary)
	if err := s.Delete(regB); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(s.Where()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tokens.json still there with nothing in it: %v", err)
	}
	if _, err := s.Get(""); err == nil {
		t.Error("Get of an empty registry name succeeded")
	}
}

func TestFileFormat(t *testing.T) {
	dir := t.TempDir()
	s := NewFile(dir)
	mustSet(t, s, regA, []byte("secret"))
	data, err := os.ReadFile(filepath.Join(dir, "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("tokens.json is not a JSON object of strings: %v\n%s", err, data)
	}
	if want := map[string]string{regA: "c2VjcmV0"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tokens.json = %v, want %v (registry -> base64 secret)", got, want)
	}
}

func TestFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits on Windows")
	}
	dir := filepath.Join(t.TempDir(), "config", "ship")
	s := NewFile(dir)
	mustSet(t, s, regA, []byte("secret"))
	assertMode(t, dir, 0o700)
	assertMode(t, filepath.Join(dir, "tokens.json"), 0o600)
	assertMode(t, filepath.Join(dir, "tokens.lock"), 0o600)
}

func TestFileReadableByOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits on Windows")
	}
	dir := t.TempDir()
	s := NewFile(dir)
	mustSet(t, s, regA, []byte("secret"))
	path := filepath.Join(dir, "tokens.json")
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o620} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := s.Get(regA)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("Get with the file at %04o: %v, want a refusal naming `chmod 600 %s`", mode, err, path)
		}
	}
	// Writing replaces the file with a private one, and reading works again.
	mustSet(t, s, regB, []byte("other"))
	assertMode(t, path, 0o600)
	mustGet(t, s, regA, []byte("secret"))
	mustGet(t, s, regB, []byte("other"))
}

func TestFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	s := NewFile(dir)
	mustSet(t, s, regA, []byte("old"))
	path := filepath.Join(dir, "tokens.json")
	// A reader that opened the file before a write still reads the whole
	// old version: the write made a new file instead of truncating this one.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before, _ := f.Stat()
	mustSet(t, s, regA, []byte(strings.Repeat("new", 1000)))
	old, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	var tokens map[string][]byte
	if err := json.Unmarshal(old, &tokens); err != nil || string(tokens[regA]) != "old" {
		t.Errorf("the file opened before the write now holds %q (%v), want the old version intact", old, err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("tokens.json was rewritten in place, not replaced")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "tokens.json" && e.Name() != "tokens.lock" {
			t.Errorf("left behind in the directory: %s", e.Name())
		}
	}
}

func TestFileRefusesSymlinks(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "ship")
	outside := filepath.Join(base, "elsewhere.json")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outside, []byte(`{"`+regA+`":"c3RvbGVu"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "tokens.json")); err != nil {
		t.Skip("cannot make symbolic links here:", err)
	}
	s := NewFile(dir)
	if got, err := s.Get(regA); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Get through a link out of the directory: %q, %v; want a refusal naming the link", got, err)
	}
	if err := s.Set(regA, []byte("secret")); err == nil {
		t.Error("Set through a link out of the directory succeeded")
	}
	if err := s.Delete(regA); err == nil {
		t.Error("Delete through a link out of the directory succeeded")
	}
	if data, _ := os.ReadFile(outside); string(data) != `{"`+regA+`":"c3RvbGVu"}` {
		t.Errorf("the file the link points at changed: %s", data)
	}

	// The lock file is not followed out of the directory either.
	dir2 := filepath.Join(base, "ship2")
	if err := os.Mkdir(dir2, 0o700); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(base, "planted")
	if err := os.Symlink(planted, filepath.Join(dir2, "tokens.lock")); err != nil {
		t.Fatal(err)
	}
	if err := NewFile(dir2).Set(regA, []byte("secret")); err == nil {
		t.Error("Set with tokens.lock linked out of the directory succeeded")
	}
	if _, err := os.Lstat(planted); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file was created where the lock link points: %v", err)
	}
}

func TestFileDamaged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(path, []byte(`{"x": `), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewFile(dir).Get(regA)
	if err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), path) {
		t.Errorf("Get from a damaged file: %v, want an error naming %s", err, path)
	}
}

func TestFileConcurrentGoroutines(t *testing.T) {
	dir := t.TempDir()
	const writers, each = 8, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			s := NewFile(dir) // a store of its own, as separate commands would have
			for i := range each {
				if err := s.Set(registryName(strconv.Itoa(w), i), []byte(fmt.Sprint(w, i))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	s := NewFile(dir)
	for w := range writers {
		for i := range each {
			mustGet(t, s, registryName(strconv.Itoa(w), i), []byte(fmt.Sprint(w, i)))
		}
	}
}

func TestFileConcurrentProcesses(t *testing.T) {
	dir := t.TempDir()
	const processes = 4
	cmds := make([]*exec.Cmd, processes)
	outputs := make([]bytes.Buffer, processes)
	for p := range cmds {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), helperEnv+"=file-writer", "TOKENSTORE_DIR="+dir, "TOKENSTORE_ID=p"+strconv.Itoa(p))
		cmd.Stdout, cmd.Stderr = &outputs[p], &outputs[p]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[p] = cmd
	}
	for p, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer %d: %v\n%s", p, err, outputs[p].String())
		}
	}
	s := NewFile(dir)
	for p := range processes {
		for i := range writerEntries {
			mustGet(t, s, registryName("p"+strconv.Itoa(p), i), []byte("secret of "+registryName("p"+strconv.Itoa(p), i)))
		}
	}
}

// writerEntries is how many registries each writer process saves.
const writerEntries = 25

// fileWriter is the helper process of TestFileConcurrentProcesses.
func fileWriter(dir, id string) error {
	s := NewFile(dir)
	for i := range writerEntries {
		r := registryName(id, i)
		if err := s.Set(r, []byte("secret of "+r)); err != nil {
			return err
		}
	}
	return nil
}

func registryName(writer string, i int) string {
	return fmt.Sprintf("https://%s-%d.example/api", writer, i)
}

func mustSet(t *testing.T, s Store, registry string, secret []byte) {
	t.Helper()
	if err := s.Set(registry, secret); err != nil {
		t.Fatalf("Set(%s): %v", registry, err)
	}
}

func mustGet(t *testing.T, s Store, registry string, want []byte) {
	t.Helper()
	got, err := s.Get(registry)
	if err != nil {
		t.Fatalf("Get(%s): %v", registry, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%s) = %q, want %q", registry, got, want)
	}
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", path, got, want)
	}
}
