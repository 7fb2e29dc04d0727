// Package twofactor is the registry's second factor: time-based one-time
// passwords (RFC 6238) as authenticator apps make them, the sealing of
// their secrets at rest, single-use recovery codes, and Checker, the one
// policy (throttling, replay protection) that every caller applies.
package twofactor

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	qrcode "github.com/skip2/go-qrcode"
)

// The parameters every authenticator app supports; apps that ignore the
// key URI's parameters assume exactly these.
const (
	// Period is the length of one time step.
	Period = 30 * time.Second
	// Digits is the length of a code.
	Digits = 6
	// secretBytes is 160 bits, the length RFC 4226 §4 recommends.
	secretBytes = 20
)

// b32 is how secrets are written: apps accept base32 without padding, and
// some refuse the '=' padding.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// otpOpts makes the library compute what the apps compute: SHA-1, six
// digits.
var otpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewSecret returns a fresh random 160-bit TOTP secret in base32 without
// padding, the form authenticator apps accept typed in or in a key URI.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("totp secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// KeyURI returns the otpauth:// URI that enrols secret in an authenticator
// app, labelled "issuer:account". Every parameter is spelled out, even the
// defaults, because some apps do not assume them. Neither issuer nor
// account may contain a colon: apps split the label at the first one,
// escaped or not.
func KeyURI(issuer, account, secret string) string {
	return "otpauth://totp/" + escape(issuer) + ":" + escape(account) +
		"?secret=" + escape(secret) +
		"&issuer=" + escape(issuer) +
		"&algorithm=SHA1&digits=6&period=30"
}

// escape percent-encodes everything but RFC 3986's unreserved characters,
// so that a ':' in the issuer cannot split the label and a '&' or '+'
// cannot break the query (url.PathEscape keeps those).
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// QRCode renders uri (a KeyURI) as a PNG QR code for a phone to scan.
func QRCode(uri string) ([]byte, error) {
	png, err := qrcode.Encode(uri, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return png, nil
}

// Step returns the RFC 6238 time step of t: whole periods since the Unix
// epoch.
func Step(t time.Time) int64 {
	u := t.Unix()
	s := u / int64(Period/time.Second)
	if u < 0 && u%int64(Period/time.Second) != 0 {
		s-- // floor, not truncation, before 1970
	}
	return s
}

// codeAt returns the code of secret at a time step ("" for a step before
// the epoch or a secret that is not base32).
func codeAt(secret string, step int64) string {
	if step < 0 {
		return ""
	}
	c, err := hotp.GenerateCodeCustom(secret, uint64(step), otpOpts)
	if err != nil {
		return ""
	}
	return c
}

// Match reports whether code is secret's code at now's time step or at
// one step either side (the clock drift RFC 6238 §5.2 allows), and which
// step it matched, for replay protection. Spaces are ignored: apps show
// "123 456". Every candidate is compared in constant time.
func Match(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if !wellFormed(code) {
		return 0, false
	}
	cur := Step(now)
	// Now's step first, then the step before (a code typed near the end of
	// its period), then the one after (a phone clock slightly ahead).
	for _, s := range [...]int64{cur, cur - 1, cur + 1} {
		want := codeAt(secret, s)
		if want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// wellFormed reports whether code is Digits ASCII digits.
func wellFormed(code string) bool {
	if len(code) != Digits {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}
