package repofile

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testKey reads a fixed key from testdata, so that tests need not generate
// keys and fuzz seeds stay valid across runs. key1.pem is PKCS#8 and
// key2.pem PKCS#1.
func testKey(t testing.TB, file string) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	k, err := parsePrivateKeyPEM(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sum is a SHA-256 checksum of s, standing for a tarball checksum.
func sum(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// at is a UTC time with nanoseconds, to show they survive a round trip.
func at(sec int64, nsec int64) time.Time {
	return time.Unix(sec, nsec).UTC()
}

// encodeNames is how a server builds /names: one entry per package, then
// assembled.
func encodeNames(t testing.TB, n Names) []byte {
	t.Helper()
	var entries [][]byte
	for _, e := range n.Packages {
		b, err := EncodeNamesEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, b)
	}
	return AssembleNames(n.Repository, entries)
}

// encodeVersions is how a server builds /versions.
func encodeVersions(t testing.TB, v Versions) []byte {
	t.Helper()
	var entries [][]byte
	for _, e := range v.Packages {
		b, err := EncodeVersionsEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, b)
	}
	return AssembleVersions(v.Repository, entries)
}

// samplePackage is a package using every field: dependencies written in
// full and in their shortened forms, a retired release, a release without
// outer checksum or publication time.
func samplePackage() *Package {
	return &Package{
		Name:       "plug",
		Repository: "acme",
		Releases: []Release{
			{
				Version:       "0.9.0",
				InnerChecksum: sum("inner 0.9.0"),
			},
			{
				Version:       "1.0.0",
				InnerChecksum: sum("inner 1.0.0"),
				OuterChecksum: sum("outer 1.0.0"),
				Dependencies: []Dependency{
					{Package: "mime", Requirement: "~> 1.0", App: "mime", Repository: "acme"},
					{Package: "telemetry", Requirement: "~> 0.4 or ~> 1.0", Optional: true, App: "telemetry_app", Repository: "hexpm"},
				},
				Retired:     &Retirement{Reason: "security", Message: "CVE: sécurité ✓"},
				PublishedAt: at(1700000000, 123456789),
			},
			{
				Version:       "1.1.0-rc.1",
				InnerChecksum: sum("inner 1.1.0-rc.1"),
				OuterChecksum: sum("outer 1.1.0-rc.1"),
				Dependencies:  []Dependency{{Package: "mime"}},
				Retired:       &Retirement{Reason: "deprecated"},
				PublishedAt:   at(1700000100, 0),
			},
		},
	}
}

// pemPKCS1 is key as an "RSA PRIVATE KEY" PEM block.
func pemPKCS1(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// mustOpen opens the sealed file dir/name with key's public half.
func mustOpen(t testing.TB, dir, name string, key *rsa.PrivateKey) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := Open(b, &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return payload
}
