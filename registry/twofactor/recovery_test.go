package twofactor

import (
	"strings"
	"testing"
)

func TestNewRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 19 || c[4] != '-' || c[9] != '-' || c[14] != '-' {
			t.Errorf("code %q is not xxxx-xxxx-xxxx-xxxx", c)
		}
		if strings.ContainsAny(strings.ReplaceAll(c, "-", ""), "0Oo1lI-") {
			t.Errorf("code %q has an ambiguous character", c)
		}
		if seen[c] {
			t.Errorf("code %q twice", c)
		}
		seen[c] = true
	}
}

func TestHashRecoveryCode(t *testing.T) {
	s := newSealer(t, "a")
	h := s.HashRecoveryCode("abcd-efgh-jkmn-pqrs")
	for _, same := range []string{"ABCD-EFGH-JKMN-PQRS", "abcdefghjkmnpqrs", "abcd efgh jkmn pqrs", " AbCd-eFgH jkmnPQRS\n"} {
		if s.HashRecoveryCode(same) != h {
			t.Errorf("%q hashes differently", same)
		}
	}
	if s.HashRecoveryCode("abcd-efgh-jkmn-pqrt") == h {
		t.Error("another code hashes the same")
	}
	if newSealer(t, "b").HashRecoveryCode("abcd-efgh-jkmn-pqrs") == h {
		t.Error("the hash does not depend on the server secret")
	}
	if strings.Contains(h, "abcd") || len(h) != 64 {
		t.Errorf("hash %q", h)
	}
}
