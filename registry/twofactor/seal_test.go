package twofactor

import (
	"bytes"
	"strings"
	"testing"
)

func newSealer(t testing.TB, secret string) *Sealer {
	t.Helper()
	s, err := NewSealer([]byte(strings.Repeat(secret, 32)[:32]))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpens(t *testing.T) {
	s := newSealer(t, "a")
	sealed := s.Seal("JBSWY3DPEHPK3PXP", 7)
	if bytes.Contains(sealed, []byte("JBSWY3DPEHPK3PXP")) {
		t.Fatal("secret in clear in the sealed bytes")
	}
	got, err := s.Open(sealed, 7)
	if err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if again := s.Seal("JBSWY3DPEHPK3PXP", 7); bytes.Equal(again, sealed) {
		t.Error("sealing twice gives the same bytes: the nonce is not fresh")
	}
}

func TestSealRefuses(t *testing.T) {
	s := newSealer(t, "a")
	sealed := s.Seal("JBSWY3DPEHPK3PXP", 7)
	if _, err := s.Open(sealed, 8); err == nil {
		t.Error("opened for another user")
	}
	if _, err := newSealer(t, "b").Open(sealed, 7); err == nil {
		t.Error("opened with another server secret")
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 1
		if _, err := s.Open(bad, 7); err == nil {
			t.Errorf("opened with byte %d flipped", i)
		}
	}
	for _, bad := range [][]byte{nil, sealed[:1], sealed[:len(sealed)-1]} {
		if _, err := s.Open(bad, 7); err == nil {
			t.Errorf("opened %d bytes", len(bad))
		}
	}
}

func TestNewSealerShortSecret(t *testing.T) {
	if _, err := NewSealer(make([]byte, 31)); err == nil {
		t.Error("a 31-byte server secret was accepted")
	}
}
