package twofactor

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
)

// Labels that derive independent keys from the one server secret, so that
// neither key tells anything about the other or about the API-key hashes
// keyed with the secret itself.
const (
	sealLabel     = "shipyard totp secret v1"
	recoveryLabel = "shipyard recovery code v1"
)

// sealVersion leads every sealed secret, so that a later format can be told
// apart from this one.
const sealVersion = 1

// errSealed is what Open says about anything it cannot open: the reason
// (tampering, another user's row, another server secret) is not the
// caller's business.
var errSealed = errors.New("totp secret does not open: tampered, copied from another user or sealed with another server secret")

// Sealer encrypts TOTP secrets at rest and hashes recovery codes, with keys
// derived from the server's secret: a copy of the database alone reveals
// neither.
type Sealer struct {
	aead     cipher.AEAD
	recovery []byte
}

// NewSealer derives the sealing and recovery-code keys from serverSecret
// (at least 32 bytes) with HKDF-SHA256.
func NewSealer(serverSecret []byte) (*Sealer, error) {
	if len(serverSecret) < 32 {
		return nil, fmt.Errorf("server secret is %d bytes; need at least 32", len(serverSecret))
	}
	sealKey, err := hkdf.Key(sha256.New, serverSecret, nil, sealLabel, 32)
	if err != nil {
		return nil, err
	}
	recKey, err := hkdf.Key(sha256.New, serverSecret, nil, recoveryLabel, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, recovery: recKey}, nil
}

// Seal encrypts secret for userID's row with AES-256-GCM under a fresh
// random nonce. The user ID is authenticated with it, so a sealed secret
// copied into another user's row does not open there.
func (s *Sealer) Seal(secret string, userID int64) []byte {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	out[0] = sealVersion
	nonce := out[1:]
	rand.Read(nonce) // never fails (crypto/rand crashes the program instead)
	return s.aead.Seal(out, nonce, []byte(secret), additional(userID))
}

// Open decrypts what Seal returned for the same userID.
func (s *Sealer) Open(sealed []byte, userID int64) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != sealVersion {
		return "", errSealed
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], additional(userID))
	if err != nil {
		return "", errSealed
	}
	return string(plain), nil
}

// additional is the data GCM authenticates besides the secret: the format
// version and the user the secret belongs to.
func additional(userID int64) []byte {
	ad := make([]byte, 1, 9)
	ad[0] = sealVersion
	return binary.BigEndian.AppendUint64(ad, uint64(userID))
}

// HashRecoveryCode returns the keyed hash (HMAC-SHA256, hex) that is
// stored for a recovery code. The code is normalised first (see
// NormalizeRecoveryCode), so that it matches however the user typed it.
func (s *Sealer) HashRecoveryCode(code string) string {
	mac := hmac.New(sha256.New, s.recovery)
	mac.Write([]byte(NormalizeRecoveryCode(code)))
	return hex.EncodeToString(mac.Sum(nil))
}
