// Package apikey makes API key secrets and their keyed hashes. A secret is
// shown to its owner once; the registry keeps only HMAC-SHA256(server
// secret, key secret), split in two halves as hex.pm does: the first half
// finds the row, the second is compared in constant time. A stolen database
// alone therefore yields no usable key and no offline guessing target.
package apikey

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SecretLen is the length of a key secret: 32 lowercase hex characters (16
// random bytes), the shape hex.pm issues and clients expect.
const SecretLen = 32

// NewSecret returns a fresh random key secret.
func NewSecret() string {
	var b [SecretLen / 2]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead since Go 1.24)
	return hex.EncodeToString(b[:])
}

// LooksLikeSecret reports whether s has the shape of a key secret, so that
// other credentials are not looked up as keys.
func LooksLikeSecret(s string) bool {
	if len(s) != SecretLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Hasher computes keyed hashes of secrets with the server's secret.
type Hasher struct {
	key []byte
}

// NewHasher returns a Hasher keyed with serverSecret (at least 32 bytes).
func NewHasher(serverSecret []byte) (*Hasher, error) {
	if len(serverSecret) < 32 {
		return nil, fmt.Errorf("server secret is %d bytes; need at least 32", len(serverSecret))
	}
	return &Hasher{key: append([]byte(nil), serverSecret...)}, nil
}

// Hash returns the two stored halves for a secret.
func (h *Hasher) Hash(secret string) (lookup, verify string) {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(secret))
	sum := hex.EncodeToString(mac.Sum(nil))
	return sum[:32], sum[32:]
}

// Matches reports, in constant time, whether secret hashes to the stored
// verify half.
func (h *Hasher) Matches(secret, verify string) bool {
	_, v := h.Hash(secret)
	return subtle.ConstantTimeCompare([]byte(v), []byte(verify)) == 1
}

// LoadOrCreateSecret reads the server secret kept at path, creating a new
// random one (mode 0600) on first use. It refuses a file others can read.
func LoadOrCreateSecret(path string) ([]byte, error) {
	secret, err := readSecret(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}
	var b [32]byte
	rand.Read(b[:])
	encoded := []byte(hex.EncodeToString(b[:]) + "\n")
	f, err := os.CreateTemp(filepath.Dir(path), ".secret-*")
	if err != nil {
		return nil, fmt.Errorf("create server secret: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(encoded); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write server secret %s: %w", path, err)
	}
	// Link, not rename: when two processes start at once, the first secret
	// wins and the second process reads it instead of replacing it.
	if err := os.Link(f.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("write server secret %s: %w", path, err)
	}
	return readSecret(path)
}

func readSecret(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("server secret %s is readable by other users (mode %v); run: chmod 600 %s", path, info.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(string(trimNewline(data)))
	if err != nil || len(secret) < 32 {
		return nil, fmt.Errorf("server secret %s is not 64 hex characters; restore it from a backup (API keys hashed with it stop working otherwise)", path)
	}
	return secret, nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
