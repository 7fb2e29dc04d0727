package repofile

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/klauspost/compress/gzip"
	"io"

	"github.com/hexship/ship/registry/repofile/internal/pb/signedpb"
)

// MaxFileSize bounds what Open inflates. Repository files are much smaller;
// the bound leaves room for growth while refusing gzip bombs.
const MaxFileSize = 64 << 20

// Signer seals payloads into signed repository files with a registry's
// private key.
type Signer struct {
	key    *rsa.PrivateKey
	pubPEM []byte
}

// NewSigner returns a Signer for key, which LoadOrCreateKey has checked.
func NewSigner(key *rsa.PrivateKey) *Signer {
	key.Precompute()
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		// An RSA public key always marshals.
		panic(fmt.Sprintf("repofile: marshal public key: %v", err))
	}
	return &Signer{key: key, pubPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})}
}

// Seal signs payload and returns gzip(Signed{payload, signature}), the bytes
// served as /names, /versions or /packages/NAME. Equal payloads give equal
// files: PKCS#1 v1.5 signatures are deterministic and the gzip header carries
// no time or name, so a rebuild that changes nothing keeps the ETag.
// klauspost/compress (already used for tarballs) compresses a 100,000-package
// /names about four times faster than compress/gzip, for a file some 14%
// larger (BenchmarkNamesRebuild).
func (s *Signer) Seal(payload []byte) ([]byte, error) {
	if payload == nil {
		payload = []byte{} // set, though empty: payload is a required field
	}
	digest := sha512.Sum512(payload)
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA512, digest[:])
	if err != nil {
		return nil, fmt.Errorf("repofile: sign: %w", err)
	}
	signed, err := marshal.Marshal(&signedpb.Signed{Payload: payload, Signature: sig})
	if err != nil {
		return nil, fmt.Errorf("repofile: encode signed: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(signed)/4 + 64)
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(signed); err != nil {
		return nil, fmt.Errorf("repofile: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("repofile: gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// PublicKeyPEM is the signing key's public half as a "PUBLIC KEY"
// (SubjectPublicKeyInfo) PEM block, as served at /public_key and given to
// `mix hex.repo add --public-key` or rebar3's repo_public_key.
func (s *Signer) PublicKeyPEM() []byte {
	return bytes.Clone(s.pubPEM)
}

// Open reads a signed repository file: it inflates it (refusing more than
// MaxFileSize with ErrTooLarge), decodes the Signed envelope and verifies
// the signature with pub (ErrBadSignature), and returns the payload for
// DecodeNames, DecodeVersions or DecodePackage. Anything else wrong with
// the file is ErrMalformed.
func Open(file []byte, pub *rsa.PublicKey) ([]byte, error) {
	if pub == nil {
		return nil, errors.New("repofile: no public key to verify with")
	}
	signed, err := gunzip(file)
	if err != nil {
		return nil, err
	}
	var m signedpb.Signed
	if err := unmarshal("signed envelope", signed, &m); err != nil {
		return nil, err
	}
	if m.Signature == nil {
		return nil, fmt.Errorf("%w: file is not signed", ErrBadSignature)
	}
	digest := sha512.Sum512(m.Payload)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA512, digest[:], m.Signature); err != nil {
		return nil, ErrBadSignature
	}
	return m.Payload, nil
}

// gunzip inflates file, up to MaxFileSize bytes.
func gunzip(file []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		return nil, fmt.Errorf("%w: not gzip: %v", ErrMalformed, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrMalformed, err)
	}
	if len(out) > MaxFileSize {
		return nil, fmt.Errorf("%w: inflates past %d bytes", ErrTooLarge, MaxFileSize)
	}
	return out, nil
}

// ParsePublicKeyPEM reads an RSA public key from the first PEM block of b,
// either "PUBLIC KEY" (SubjectPublicKeyInfo, what registries serve) or
// "RSA PUBLIC KEY" (PKCS#1), the two forms hex_core accepts.
func ParsePublicKeyPEM(b []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("repofile: no PEM block in public key")
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("repofile: public key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("repofile: public key is %T, want RSA", k)
		}
		return rk, nil
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("repofile: public key: %w", err)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("repofile: PEM block is %q, want \"PUBLIC KEY\"", block.Type)
	}
}
