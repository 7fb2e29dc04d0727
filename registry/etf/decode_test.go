package etf

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestDecodeBytes(t *testing.T) {
	cases := []struct {
		name string
		in   string // hex after the version byte 83
		want any
	}{
		{"small integer", "61 ff", int64(255)},
		{"integer", "62 ffffff00", int64(-256)},
		{"small big", "6e 04 00 00000080", int64(1 << 31)},
		{"small big negative", "6e 08 01 0000000000000080", int64(math.MinInt64)},
		{"small big 2^63", "6e 08 00 0000000000000080", bigInt("0x8000000000000000")},
		{"small big -2^63-1", "6e 08 01 0100000000000080", bigInt("-0x8000000000000001")},
		{"small big unnormalized", "6e 0a 00 05000000000000000000", int64(5)},
		{"small big empty", "6e 00 00", int64(0)},
		{"small big sign 2 is negative", "6e 01 02 05", int64(-5)},
		{"large big", "6f 00000009 01 000000000000000001", bigInt("-0x10000000000000000")},
		{"new float", "46 3ff8000000000000", 1.5},
		{"new float negative zero", "46 8000000000000000", math.Copysign(0, -1)},
		{"old float", "63 312e3530303030303030303030303030303030303030652b3030 0000000000", 1.5},
		{"old float trailing spaces", "63 312e35 " + strings.Repeat("20", 28), 1.5},
		{"latin-1 atom", "64 0002 68e9", Atom("hé")},
		{"small latin-1 atom", "73 02 6f6b", Atom("ok")},
		{"utf8 atom", "76 0004 f09f9880", Atom("😀")},
		{"small utf8 atom", "77 02 c3a9", Atom("é")},
		{"true as ATOM_EXT", "64 0004 74727565", true},
		{"false", "77 05 66616c7365", false},
		{"nil", "73 03 6e696c", nil},
		{"empty atom", "77 00", Atom("")},
		{"binary", "6d 00000003 c3a978", "éx"},
		{"binary of any bytes", "6d 00000002 00ff", "\x00\xff"},
		{"nil list", "6a", []any{}},
		{"string", "6b 0003 616263", []any{int64(97), int64(98), int64(99)}},
		{"empty string", "6b 0000", []any{}},
		{"list", "6c 00000002 6101 6d0000000178 6a", []any{int64(1), "x"}},
		{"list with list tail", "6c 00000001 6101 6c 00000001 6102 6a", []any{int64(1), int64(2)}},
		{"list with string tail", "6c 00000001 6101 6b 0001 61", []any{int64(1), int64(97)}},
		{"small tuple", "68 02 77026f6b 6101", Tuple{Atom("ok"), int64(1)}},
		{"empty tuple", "68 00", Tuple{}},
		{"large tuple", "69 00000001 6a", Tuple{[]any{}}},
		{"map", "74 00000002 6d0000000161 6101 77016b 6a", map[string]any{"a": int64(1), "k": []any{}}},
		{"map with true key", "74 00000001 770474727565 6101", map[string]any{"true": int64(1)}},
		{"map with nil key", "74 00000001 64 0003 6e696c 6101", map[string]any{"nil": int64(1)}},
		{"empty map", "74 00000000", map[string]any{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode(append([]byte{131}, unhex(t, c.in)...))
			if err != nil {
				t.Fatal(err)
			}
			if !equal(got, c.want) {
				t.Errorf("Decode = %#v, want %#v", got, c.want)
			}
		})
	}
}

// Empty lists and maps decode to empty, not nil, values so that a JSON
// rendering of a decoded body shows [] and {} rather than null.
func TestDecodeEmptyContainersAreNotNil(t *testing.T) {
	for _, in := range []string{"6a", "6b0000", "6800", "7400000000"} {
		v, err := Decode(append([]byte{131}, unhex(t, in)...))
		if err != nil {
			t.Fatal(err)
		}
		switch v := v.(type) {
		case []any:
			if v == nil {
				t.Errorf("%s decoded to a nil slice", in)
			}
		case Tuple:
			if v == nil {
				t.Errorf("%s decoded to a nil tuple", in)
			}
		case map[string]any:
			if v == nil {
				t.Errorf("%s decoded to a nil map", in)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	values := []any{
		nil, true, false, Atom("ok"), Atom("日本"), "", "héllo", "\x00\xff",
		int64(0), int64(255), int64(256), int64(-1), int64(math.MaxInt32), int64(math.MinInt32),
		int64(math.MaxInt32) + 1, int64(math.MinInt64), int64(math.MaxInt64),
		bigInt("0x8000000000000000"), bigInt("-0x8000000000000001"),
		new(big.Int).Lsh(big.NewInt(3), 4000), new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 2039)),
		0.0, math.Copysign(0, -1), 1.5, math.SmallestNonzeroFloat64, math.MaxFloat64, -1e-300,
		[]any{}, []any{int64(1), []any{"x", []any{}}}, Tuple{}, Tuple{Atom("error"), "reason"},
		make(Tuple, 300), map[string]any{}, map[string]any{"a": map[string]any{"b": []any{nil}}},
		samplePackage(20),
	}
	for _, v := range values {
		enc, err := Encode(v)
		if err != nil {
			t.Fatalf("Encode(%#v): %v", v, err)
		}
		got, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(%#v)): %v", v, err)
		}
		if !equal(got, v) {
			t.Errorf("round trip of %#v gave %#v", v, got)
		}
	}
}

// Decoding turns atom map keys into strings, so a body with atom keys comes
// back with binary keys when re-encoded, as hex.pm's binarify does.
func TestDecodeAtomKeysReencodeAsBinaries(t *testing.T) {
	in := append([]byte{131}, unhex(t, "74 00000001 77046e616d65 6d0000000178")...)
	v, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte{131}, unhex(t, "74 00000001 6d000000046e616d65 6d0000000178")...)
	if string(out) != string(want) {
		t.Errorf("re-encoded % x, want % x", out, want)
	}
}

func TestDecodeLimitsMaxDepth(t *testing.T) {
	nested := func(depth int) []byte {
		b := []byte{131}
		for range depth {
			b = append(b, 108, 0, 0, 0, 1)
		}
		b = append(b, 106)
		for range depth {
			b = append(b, 106)
		}
		return b
	}
	// nested(n) holds n+1 lists: n with one element, and the innermost [].
	if _, err := Decode(nested(DefaultMaxDepth - 1)); err != nil {
		t.Errorf("depth %d refused: %v", DefaultMaxDepth, err)
	}
	var se *SyntaxError
	if _, err := Decode(nested(DefaultMaxDepth)); !errors.As(err, &se) || !strings.Contains(se.Msg, "nested deeper than 64") {
		t.Errorf("depth %d: err = %v, want nesting error", DefaultMaxDepth+1, err)
	}
	if _, err := (DecodeLimits{MaxDepth: 200}).Decode(nested(199)); err != nil {
		t.Errorf("MaxDepth 200 refused depth 200: %v", err)
	}
	if _, err := (DecodeLimits{MaxDepth: 200}).Decode(nested(200)); !errors.As(err, &se) {
		t.Errorf("MaxDepth 200 accepted depth 201: %v", err)
	}
}
