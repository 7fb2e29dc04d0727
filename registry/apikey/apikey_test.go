package apikey

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretShape(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if !LooksLikeSecret(a) || !LooksLikeSecret(b) {
		t.Fatalf("secrets %q %q do not look like secrets", a, b)
	}
	if a == b {
		t.Fatal("two secrets are equal")
	}
	for _, s := range []string{"", "Bearer x", strings.Repeat("A", 32), strings.Repeat("a", 31), strings.Repeat("g", 32)} {
		if LooksLikeSecret(s) {
			t.Errorf("LooksLikeSecret(%q) = true", s)
		}
	}
}

func TestHashDependsOnServerSecret(t *testing.T) {
	h1, _ := NewHasher([]byte(strings.Repeat("1", 32)))
	h2, _ := NewHasher([]byte(strings.Repeat("2", 32)))
	s := NewSecret()
	l1, v1 := h1.Hash(s)
	l2, _ := h2.Hash(s)
	if l1 == l2 {
		t.Fatal("hash does not depend on the server secret")
	}
	if len(l1) != 32 || len(v1) != 32 {
		t.Fatalf("halves %q %q", l1, v1)
	}
	if strings.Contains(l1+v1, s) {
		t.Fatal("hash contains the secret")
	}
	if !h1.Matches(s, v1) || h1.Matches(NewSecret(), v1) || h2.Matches(s, v1) {
		t.Fatal("Matches is wrong")
	}
	if _, err := NewHasher([]byte("short")); err == nil {
		t.Fatal("short server secret accepted")
	}
}

func TestLoadOrCreateSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	a, err := LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", info.Mode().Perm())
	}
	b, err := LoadOrCreateSecret(path)
	if err != nil || string(a) != string(b) {
		t.Fatalf("second load: %v, same=%v", err, string(a) == string(b))
	}
	os.Chmod(path, 0o644)
	if _, err := LoadOrCreateSecret(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable secret: %v", err)
	}
	os.Chmod(path, 0o600)
	os.WriteFile(path, []byte("garbage"), 0o600)
	if _, err := LoadOrCreateSecret(path); err == nil || !strings.Contains(err.Error(), "not 64 hex") {
		t.Fatalf("garbage secret: %v", err)
	}
}
