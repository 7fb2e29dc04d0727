package repofile

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"testing"
)

// FuzzOpen feeds Open what a registry, or anyone between it and the client,
// might send. Open must refuse with one of its typed errors, never panic,
// and whatever it accepts must go through the decoders without panic. The
// seeds in testdata/fuzz/FuzzOpen hold files sealed with testdata/key1.pem,
// one of them by hex_core.
func FuzzOpen(f *testing.F) {
	key := testKey(f, "key1.pem")
	s := NewSigner(key)
	pkg, err := EncodePackage(samplePackage())
	if err != nil {
		f.Fatal(err)
	}
	for _, payload := range [][]byte{encodeNames(f, sampleNames()), encodeVersions(f, sampleVersions()), pkg} {
		file, err := s.Seal(payload)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file)
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		payload, err := Open(file, &key.PublicKey)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		DecodeNames(payload, "acme")
		DecodeVersions(payload, "acme")
		DecodePackage(payload, "acme", "plug")
	})
}

// FuzzDecode feeds the payload decoders directly, since the fuzzer cannot
// forge signatures to reach them through Open. What decodes and encodes
// again must decode to the same thing.
func FuzzDecode(f *testing.F) {
	pkg, err := EncodePackage(samplePackage())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(encodeNames(f, sampleNames()))
	f.Add(encodeVersions(f, sampleVersions()))
	f.Add(pkg)
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkDecodeError := func(err error) {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrBadOrigin) {
				t.Fatalf("untyped error: %v", err)
			}
		}
		if n, err := DecodeNames(payload, "acme"); err != nil {
			checkDecodeError(err)
		} else if again, err := reencodeNames(n); err == nil && !reflect.DeepEqual(again, n) {
			t.Fatalf("names changed through encoding:\n%+v\n%+v", n, again)
		}
		if v, err := DecodeVersions(payload, "acme"); err != nil {
			checkDecodeError(err)
		} else if again, err := reencodeVersions(v); err == nil && !sameVersions(again, v) {
			t.Fatalf("versions changed through encoding:\n%+v\n%+v", v, again)
		}
		if p, err := DecodePackage(payload, "acme", "plug"); err != nil {
			checkDecodeError(err)
		} else if once, err := EncodePackage(p); err == nil {
			// Encoding normalizes (requirements, apps, repositories), so it
			// must be a fixed point from the first re-encoding on.
			q, err := DecodePackage(once, "acme", "plug")
			if err != nil {
				t.Fatalf("re-encoded package does not decode: %v", err)
			}
			twice, err := EncodePackage(q)
			if err != nil || !bytes.Equal(once, twice) {
				t.Fatalf("package encoding is not stable: %v\n%x\n%x", err, once, twice)
			}
		}
	})
}

func reencodeNames(n *Names) (*Names, error) {
	var entries [][]byte
	for _, e := range n.Packages {
		b, err := EncodeNamesEntry(e)
		if err != nil {
			return nil, err
		}
		entries = append(entries, b)
	}
	return DecodeNames(AssembleNames(n.Repository, entries), n.Repository)
}

func reencodeVersions(v *Versions) (*Versions, error) {
	var entries [][]byte
	for _, e := range v.Packages {
		b, err := EncodeVersionsEntry(e)
		if err != nil {
			return nil, err
		}
		entries = append(entries, b)
	}
	return DecodeVersions(AssembleVersions(v.Repository, entries), v.Repository)
}

// sameVersions compares, taking an empty list for an absent one.
func sameVersions(a, b *Versions) bool {
	if a.Repository != b.Repository || len(a.Packages) != len(b.Packages) {
		return false
	}
	for i, p := range a.Packages {
		q := b.Packages[i]
		if p.Name != q.Name || !slices.Equal(p.Versions, q.Versions) || !slices.Equal(p.Retired, q.Retired) {
			return false
		}
	}
	return true
}
