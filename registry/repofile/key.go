package repofile

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// minKeyBits is the smallest signing key accepted; it is also the size of
// generated keys, as `openssl genrsa` makes by default.
const minKeyBits = 2048

// LoadOrCreateKey returns the RSA private key in the PEM file at path
// (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"). When the file does not
// exist it generates a 2048-bit key, writes it atomically with mode 0600 and
// reports created. It refuses a key file that group or others may access,
// since whoever reads it can sign packages in the registry's name, and it
// refuses keys that are not RSA or shorter than 2048 bits.
func LoadOrCreateKey(path string) (key *rsa.PrivateKey, created bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		key, err := createKey(path)
		if !errors.Is(err, fs.ErrExist) {
			return key, err == nil, err
		}
		// Another process created the key first: use that one.
		if fi, err = os.Stat(path); err != nil {
			return nil, false, fmt.Errorf("signing key: %w", err)
		}
	case err != nil:
		return nil, false, fmt.Errorf("signing key: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, false, fmt.Errorf("signing key %s is accessible by group or others (mode %04o); anyone who reads it can sign packages as this registry: run `chmod 600 %s`", path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("signing key: %w", err)
	}
	key, err = parsePrivateKeyPEM(b)
	if err != nil {
		return nil, false, fmt.Errorf("signing key %s: %w", path, err)
	}
	return key, false, nil
}

// parsePrivateKeyPEM reads the first PEM block of b as an RSA private key of
// at least minKeyBits.
func parsePrivateKeyPEM(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM block found; want an RSA private key (\"-----BEGIN RSA PRIVATE KEY-----\" or \"-----BEGIN PRIVATE KEY-----\")")
	}
	if _, ok := block.Headers["Proc-Type"]; ok || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, errors.New("the key is encrypted; give an unencrypted RSA private key")
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the key is %T; Hex repositories are signed with RSA keys", k)
		}
		key = rk
	default:
		return nil, fmt.Errorf("PEM block is %q; want an RSA private key (\"RSA PRIVATE KEY\" or \"PRIVATE KEY\")", block.Type)
	}
	if bits := key.N.BitLen(); bits < minKeyBits {
		return nil, fmt.Errorf("the RSA key has %d bits; want at least %d", bits, minKeyBits)
	}
	return key, nil
}

// createKey generates a key and writes it to path through a temporary file
// in the same directory, so that a crash never leaves a truncated key.
func createKey(path string) (*rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, minKeyBits)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	defer os.Remove(tmp.Name()) // the key stays under its linked name
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	// Link, not rename: when two processes start on a new data directory
	// at once, the first key stays and the second process loads it, rather
	// than each signing with a key the other then replaces.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	syncDir(dir)
	return key, nil
}

// syncDir makes a rename in dir durable where the platform allows; a failure
// only weakens durability, so it is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
