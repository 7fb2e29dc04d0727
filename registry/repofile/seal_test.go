package repofile

import (
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hexship/ship/registry/repofile/internal/pb/signedpb"
)

func TestSealOpenRoundTrip(t *testing.T) {
	s := NewSigner(testKey(t, "key1.pem"))
	pub, err := ParsePublicKeyPEM(s.PublicKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	for _, payload := range [][]byte{encodeNames(t, sampleNames()), {}, nil} {
		file, err := s.Seal(payload)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(file, pub)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, payload) {
			t.Errorf("Open = %x, want %x", got, payload)
		}
	}
}

// TestSealIsDeterministic matters for ETags: rebuilding an unchanged file
// must not look like a change to clients.
func TestSealIsDeterministic(t *testing.T) {
	s := NewSigner(testKey(t, "key1.pem"))
	payload := encodeVersions(t, sampleVersions())
	a, err := s.Seal(payload)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Seal(bytes.Clone(payload))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two seals of one payload differ")
	}
}

func TestPublicKeyPEMIsSubjectPublicKeyInfo(t *testing.T) {
	key := testKey(t, "key2.pem")
	block, rest := pem.Decode(NewSigner(key).PublicKeyPEM())
	if block == nil || block.Type != "PUBLIC KEY" || len(rest) != 0 {
		t.Fatalf("not one PUBLIC KEY block: %v %q", block, rest)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !key.PublicKey.Equal(k) {
		t.Error("PEM holds another key")
	}
}

// reseal decodes a sealed file, lets edit change the envelope and gzips it
// again, as an attacker tampering with a file would.
func reseal(t *testing.T, file []byte, edit func(m *signedpb.Signed)) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var m signedpb.Signed
	if err := proto.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	raw, err = proto.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	return gzipBytes(t, raw)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenRefusesTampering(t *testing.T) {
	key := testKey(t, "key1.pem")
	file, err := NewSigner(key).Seal(encodeNames(t, sampleNames()))
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(m *signedpb.Signed){
		"payload byte flipped":   func(m *signedpb.Signed) { m.Payload[len(m.Payload)/2] ^= 1 },
		"signature byte flipped": func(m *signedpb.Signed) { m.Signature[7] ^= 0x80 },
		"signature truncated":    func(m *signedpb.Signed) { m.Signature = m.Signature[:len(m.Signature)-1] },
		"signature removed":      func(m *signedpb.Signed) { m.Signature = nil },
	} {
		if _, err := Open(reseal(t, file, edit), &key.PublicKey); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: err = %v, want ErrBadSignature", name, err)
		}
	}
	other := testKey(t, "key2.pem")
	if _, err := Open(file, &other.PublicKey); !errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong key: err = %v, want ErrBadSignature", err)
	}
}

func TestOpenRefusesMalformed(t *testing.T) {
	key := testKey(t, "key1.pem")
	file, err := NewSigner(key).Seal([]byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{
		"empty":          nil,
		"not gzip":       []byte("\x0a\x07payload"),
		"truncated gzip": file[:len(file)-6],
		"not protobuf":   gzipBytes(t, []byte("\xff\xff\xff\xff")),
		"no payload":     gzipBytes(t, []byte("\x12\x01x")),
	} {
		if _, err := Open(in, &key.PublicKey); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

// TestOpenRefusesGzipBomb inflates a small file to just past MaxFileSize.
func TestOpenRefusesGzipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for n := 0; n <= MaxFileSize; n += len(zeros) {
		zw.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	key := testKey(t, "key1.pem")
	if _, err := Open(buf.Bytes(), &key.PublicKey); !errors.Is(err, ErrTooLarge) {
		t.Errorf("%d-byte bomb: err = %v, want ErrTooLarge", buf.Len(), err)
	}
}

// TestOpenThenDecodeChecksOrigin follows a client: a file correctly signed
// by the registry, but for another repository, is still refused.
func TestOpenThenDecodeChecksOrigin(t *testing.T) {
	key := testKey(t, "key1.pem")
	file, err := NewSigner(key).Seal(encodeNames(t, sampleNames()))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := Open(file, &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeNames(payload, "mine"); !errors.Is(err, ErrBadOrigin) {
		t.Errorf("err = %v, want ErrBadOrigin", err)
	}
}

func TestParsePublicKeyPEM(t *testing.T) {
	key := testKey(t, "key1.pem")
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)})
	got, err := ParsePublicKeyPEM(pkcs1)
	if err != nil {
		t.Fatal(err)
	}
	if !key.PublicKey.Equal(got) {
		t.Error("PKCS#1 public key read as another key")
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	private, _ := x509.MarshalPKCS8PrivateKey(key)
	for name, in := range map[string][]byte{
		"not PEM":     []byte("ssh-rsa AAAA"),
		"EC key":      pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		"private key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: private}),
		"bad DER":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}}),
	} {
		if _, err := ParsePublicKeyPEM(in); err == nil {
			t.Errorf("%s: ParsePublicKeyPEM succeeded", name)
		}
	}
}
