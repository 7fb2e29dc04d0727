package server

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The data directory holds the signing key and the server secret: both,
// and the directory itself, must be private to the server's user.
func TestOpenCreatesPrivateDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shipyard-data")
	b, err := Open(context.Background(), Storage{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for path, want := range map[string]os.FileMode{
		dir:                                 0o700,
		filepath.Join(dir, "repo-key.pem"):  0o600,
		filepath.Join(dir, "server-secret"): 0o600,
		filepath.Join(dir, "blobs"):         0o700,
	} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %04o, want %04o", path, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "shipyard.db")); err != nil {
		t.Errorf("no SQLite database: %v", err)
	}
}

// A second Open of the same directory (an operator command while the
// server runs) sees the same key and secret.
func TestOpenTwiceSharesKeys(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(context.Background(), Storage{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(context.Background(), Storage{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if string(a.Signer.PublicKeyPEM()) != string(b.Signer.PublicKeyPEM()) {
		t.Error("the two opens sign with different keys")
	}
	l1, _ := a.Keys.Hash("0123456789abcdef0123456789abcdef")
	l2, _ := b.Keys.Hash("0123456789abcdef0123456789abcdef")
	if l1 != l2 {
		t.Error("the two opens hash API keys differently")
	}
}
