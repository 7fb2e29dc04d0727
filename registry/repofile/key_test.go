package repofile

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateKeyCreatesThenReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.pem")
	key, created, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !created || key.N.BitLen() != 2048 {
		t.Errorf("created = %v, bits = %d; want a new 2048-bit key", created, key.N.BitLen())
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	again, created, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if created || !key.Equal(again) {
		t.Errorf("reload: created = %v, same key = %v; want the stored key", created, key.Equal(again))
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want only the key (no temporary left)", len(entries))
	}
}

func TestLoadOrCreateKeyReadsPKCS1AndPKCS8(t *testing.T) {
	for _, f := range []string{"key1.pem", "key2.pem"} {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "k.pem")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		key, created, err := LoadOrCreateKey(path)
		if err != nil || created {
			t.Fatalf("%s: created = %v, err = %v", f, created, err)
		}
		if !key.Equal(testKey(t, f)) {
			t.Errorf("%s: read another key", f)
		}
	}
}

func TestLoadOrCreateKeyRefusesReadableKey(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	b, _ := os.ReadFile("testdata/key1.pem")
	path := filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadOrCreateKey(path)
	if err == nil {
		t.Fatal("a world-readable key was accepted")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("error does not name the file and the fix: %v", err)
	}
}

func TestLoadOrCreateKeyRefusesBadKeys(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"garbage":    {[]byte("not a key\n"), "no PEM block"},
		"bad DER":    {pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1, 2, 3}}), "asn1"},
		"public key": {pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}), `"PUBLIC KEY"`},
		"EC key":     {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), "RSA"},
		"1024 bits":  {pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)}), "1024 bits"},
		"encrypted":  {pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), "encrypted"},
	} {
		path := filepath.Join(t.TempDir(), "k.pem")
		if err := os.WriteFile(path, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadOrCreateKey(path)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not name the file and %q", name, err, tc.want)
		}
	}
}

func TestLoadOrCreateKeyMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "k.pem")
	if _, _, err := LoadOrCreateKey(path); err == nil {
		t.Error("created a key in a directory that does not exist")
	}
}

// Two servers starting at once on a new data directory must end up with
// one key between them, or one would sign with a key the other replaced.
func TestLoadOrCreateKeyConcurrentStartsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo-key.pem")
	const n = 4
	keys := make([]*rsa.PrivateKey, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], _, errs[i] = LoadOrCreateKey(path)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !keys[i].Equal(keys[0]) {
			t.Fatalf("start %d got a different key than start 0", i)
		}
	}
}
