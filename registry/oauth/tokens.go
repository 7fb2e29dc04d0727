package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Token prefixes tell a leaked token's kind and origin at a glance, and
// let secret scanners find them.
const (
	accessPrefix  = "shya_"
	refreshPrefix = "shyr_"
)

// newToken returns prefix followed by 256 random bits.
func newToken(prefix string) string {
	return prefix + randomText(32)
}

// randomText is n random bytes, base64url without padding.
func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand's promise since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what the store keeps of a token or device code: hex
// SHA-256. For a refresh token it is also the `token_hash` of hex.pm's
// revoke_by_hash. The inputs are 256-bit random strings, so a plain hash
// cannot be reversed by guessing.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// rotation derives the pair a refresh token is exchanged for. Deriving it
// (rather than drawing it at random) lets the server hand the same pair to
// a second process that presents the same refresh token within the grace
// window, without ever storing a token in clear.
type rotation struct{ key []byte }

func newRotation(serverSecret []byte) rotation {
	m := hmac.New(sha256.New, serverSecret)
	m.Write([]byte("shipyard oauth refresh rotation"))
	return rotation{key: m.Sum(nil)}
}

// next returns the access and refresh tokens that replace refresh.
func (r rotation) next(refresh string) (access, newRefresh string) {
	return r.derive("access", refresh, accessPrefix), r.derive("refresh", refresh, refreshPrefix)
}

func (r rotation) derive(label, refresh, prefix string) string {
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write([]byte(refresh))
	return prefix + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// userCodeAlphabet leaves out vowels (no words) and look-alikes (0/O,
// 1/I/L), as hex.pm does: 29 symbols, so 8 of them carry 38.9 bits.
const userCodeAlphabet = "23456789BCDFGHJKLMNPQRSTVWXYZ"

// userCodeLen is the length of a user code, without its hyphen.
const userCodeLen = 8

// newUserCode draws a user code uniformly from the alphabet.
func newUserCode() string {
	var b strings.Builder
	buf := make([]byte, 16)
	for b.Len() < userCodeLen {
		rand.Read(buf)
		for _, c := range buf {
			// Bytes at or above the largest multiple of the alphabet's
			// size would favour its first letters.
			if int(c) < 256/len(userCodeAlphabet)*len(userCodeAlphabet) && b.Len() < userCodeLen {
				b.WriteByte(userCodeAlphabet[int(c)%len(userCodeAlphabet)])
			}
		}
	}
	return b.String()
}

// NormalizeUserCode turns what a person typed into a stored user code:
// upper case, without hyphens or spaces.
func NormalizeUserCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// FormatUserCode shows a user code as people read it: XXXX-XXXX.
func FormatUserCode(code string) string {
	if len(code) != userCodeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}
