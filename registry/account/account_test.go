package account

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestCheckUsernameFollowsHexRule(t *testing.T) {
	for _, ok := range []string{"bob", "Alice_1", "a.b-c", strings.Repeat("x", 40)} {
		if err := CheckUsername(ok); err != nil {
			t.Errorf("CheckUsername(%q) = %v, want nil", ok, err)
		}
	}
	for name, want := range map[string]string{
		"ab":                    "must be 3 to 40 characters",
		strings.Repeat("x", 41): "must be 3 to 40 characters",
		"al ice":                "may contain only letters",
		"al@ice":                "may contain only letters",
		"élise":                 "may contain only letters",
	} {
		err := CheckUsername(name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckUsername(%q) = %v, want %q", name, err, want)
		}
	}
}

func TestCheckEmailWantsABareAddress(t *testing.T) {
	if err := CheckEmail("alice@example.com"); err != nil {
		t.Errorf("CheckEmail: %v", err)
	}
	for _, bad := range []string{"", "alice", "Alice <alice@example.com>", "alice@", strings.Repeat("a", 250) + "@example.com"} {
		if err := CheckEmail(bad); err == nil {
			t.Errorf("CheckEmail(%q) = nil, want an error", bad)
		}
	}
}

func TestCheckPasswordCountsCharactersUpToBcryptLimit(t *testing.T) {
	if err := CheckPassword("1234567"); !errors.Is(err, ErrPasswordShort) {
		t.Errorf("7 characters: %v", err)
	}
	// Eight characters of two bytes each are long enough.
	if err := CheckPassword("éééééééé"); err != nil {
		t.Errorf("8 two-byte characters: %v", err)
	}
	if err := CheckPassword(strings.Repeat("x", 72)); err != nil {
		t.Errorf("72 bytes: %v", err)
	}
	if err := CheckPassword(strings.Repeat("x", 73)); !errors.Is(err, ErrPasswordLong) {
		t.Errorf("73 bytes: %v", err)
	}
	if _, err := HashPassword("short"); !errors.Is(err, ErrPasswordShort) {
		t.Errorf("HashPassword(short) = %v", err)
	}
}

func TestVerifyPasswordAcceptsOnlyTheRightPassword(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyPassword(h, "correct horse") {
		t.Error("the right password was refused")
	}
	if VerifyPassword(h, "correct horsE") {
		t.Error("a wrong password was accepted")
	}
	// No hash: no password matches, not even the empty one.
	for _, p := range []string{"", "correct horse"} {
		if VerifyPassword("", p) {
			t.Errorf("VerifyPassword(\"\", %q) = true", p)
		}
	}
}

// The dummy hash must cost what a real one costs, or a missing account
// would answer faster than an existing one.
func TestDummyHashHasTheCostOfRealHashes(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	real, err := bcrypt.Cost([]byte(h))
	if err != nil {
		t.Fatal(err)
	}
	dummy, err := bcrypt.Cost([]byte(dummyHash))
	if err != nil {
		t.Fatalf("the dummy hash is not a bcrypt hash: %v", err)
	}
	if dummy != real {
		t.Errorf("dummy hash cost %d, real hashes cost %d", dummy, real)
	}
}
