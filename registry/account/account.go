// Package account holds the rules for accounts that every way of creating
// or signing in to one shares (the `shipyard user add` command and the
// website): what a username, an email address and a password may be, and
// how passwords are hashed and checked.
package account

import (
	"fmt"
	"net/mail"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Username lengths, as hex.pm has them.
const (
	MinUsername = 3
	MaxUsername = 40
)

// CheckUsername applies hex.pm's username rule: 3 to 40 ASCII letters,
// digits, '_', '-' or '.'. Names never contain '@', so a sign-in form can
// tell a username from an email address.
func CheckUsername(name string) error {
	if len(name) < MinUsername || len(name) > MaxUsername {
		return fmt.Errorf("username %q must be %d to %d characters", name, MinUsername, MaxUsername)
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return fmt.Errorf("username %q may contain only letters, digits, _, - and .", name)
		}
	}
	return nil
}

// MaxEmail is the longest address accepted: the limit of a forward path in
// SMTP (RFC 5321), so every stored address can be mailed to.
const MaxEmail = 254

// CheckEmail accepts a bare address (alice@example.com), not a display
// name with one ("Alice <alice@example.com>"), which would be stored and
// matched as typed.
func CheckEmail(email string) error {
	if len(email) > MaxEmail {
		return fmt.Errorf("%q is longer than %d characters", email, MaxEmail)
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return fmt.Errorf("%q is not an email address", email)
	}
	return nil
}

// Password lengths. The shortest is what NIST SP 800-63B suggests for
// passwords people choose; the longest is what bcrypt reads, since it
// ignores every byte past 72 and a long passphrase would silently be
// weaker than its owner thinks.
const (
	MinPassword = 8  // characters
	MaxPassword = 72 // bytes
)

// Errors of CheckPassword, for callers that word the refusal themselves.
var (
	ErrPasswordShort = fmt.Errorf("the password is shorter than %d characters", MinPassword)
	ErrPasswordLong  = fmt.Errorf("the password is longer than %d bytes, which bcrypt cannot use in full", MaxPassword)
)

// CheckPassword returns ErrPasswordShort or ErrPasswordLong when a new
// password cannot be used. The minimum counts characters, so that a
// password in any script is judged by what its owner typed.
func CheckPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPassword {
		return ErrPasswordShort
	}
	if len(password) > MaxPassword {
		return ErrPasswordLong
	}
	return nil
}

// HashPassword returns the bcrypt hash to store for a password that
// CheckPassword accepted.
func HashPassword(password string) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is the bcrypt hash (at bcrypt.DefaultCost, the cost of every
// hash HashPassword makes) of a random password nobody knows. Checking a
// password against it costs what checking a real one does.
const dummyHash = "$2a$10$lhP8zztnZE1veD3NxgbNPuE0F4iH/oJitjoiRCtDeNvyfxp8yfNOm"

// VerifyPassword reports whether password matches hash. An empty hash (no
// such account, or an account without a password) is checked against a
// dummy hash and never matches: a sign-in attempt takes the same time
// whether or not the account exists, so timing does not reveal names.
func VerifyPassword(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
