package twofactor

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// RecoveryCodeCount is how many recovery codes a user gets at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet has 32 characters that cannot be mistaken for one
// another when copied by hand: no 0/o, no 1/l. Lower case, since codes are
// compared in lower case. 32 characters make 5 bits each, 80 bits a code.
const recoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// NewRecoveryCodes returns RecoveryCodeCount fresh random codes of 16
// characters, written xxxx-xxxx-xxxx-xxxx.
func NewRecoveryCodes() ([]string, error) {
	codes := make([]string, RecoveryCodeCount)
	raw := make([]byte, 16)
	for i := range codes {
		if _, err := rand.Read(raw); err != nil {
			return nil, fmt.Errorf("recovery codes: %w", err)
		}
		var b strings.Builder
		for j, r := range raw {
			if j > 0 && j%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[r%byte(len(recoveryAlphabet))]) // 256 is a multiple of 32: uniform
		}
		codes[i] = b.String()
	}
	return codes, nil
}

// NormalizeRecoveryCode lower-cases a recovery code and drops hyphens and
// white space, so that "ABCD-EFGH…", "abcd efgh…" and "abcdefgh…" are the
// same code.
func NormalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', ' ', '\t', '\n', '\r':
			return -1
		}
		return r
	}, strings.ToLower(code))
}
