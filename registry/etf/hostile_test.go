package etf

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// validTerms are encodings whose every proper prefix must be refused.
func validTerms(t *testing.T) [][]byte {
	var out [][]byte
	for _, v := range []any{samplePackage(3), Tuple{Atom("ok"), int64(1) << 40, 2.5, []any{}}, bigInt("-0x1" + strings.Repeat("0", 600))} {
		b, err := Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	for _, h := range []string{"83 63 312e35" + strings.Repeat("00", 28), "83 6b 0002 6162", "83 64 0002 68e9", "83 6c 00000001 6101 6b 0001 61"} {
		out = append(out, unhex(t, h))
	}
	return out
}

func TestDecodeTruncatedAtEveryOffset(t *testing.T) {
	for _, full := range validTerms(t) {
		if _, err := Decode(full); err != nil {
			t.Fatalf("the full term % x is refused: %v", full, err)
		}
		for n := range len(full) {
			v, err := Decode(full[:n])
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode of the first %d of %d bytes = %#v, %v; want a *SyntaxError", n, len(full), v, err)
			}
			if se.Offset < 0 || se.Offset > n {
				t.Errorf("offset %d outside the %d-byte input", se.Offset, n)
			}
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	cases := []struct {
		name, in string // in is hex, version byte included
		offset   int
		msg      string
	}{
		{"empty", "", 0, "empty input"},
		{"wrong version", "82 61 01", 0, "version byte is 130"},
		{"trailing byte", "83 61 01 00", 3, "1 bytes after the term"},
		{"two terms", "83 6a 6a", 2, "1 bytes after the term"},
		{"pid", "83 67 77036e696c 00000001 00000000 00", 1, "PID_EXT (tag 103)"},
		{"new pid", "83 58", 1, "NEW_PID_EXT (tag 88)"},
		{"port", "83 66", 1, "PORT_EXT (tag 102)"},
		{"new port", "83 59", 1, "NEW_PORT_EXT (tag 89)"},
		{"v4 port", "83 78", 1, "V4_PORT_EXT (tag 120)"},
		{"reference", "83 65", 1, "REFERENCE_EXT (tag 101)"},
		{"new reference", "83 72", 1, "NEW_REFERENCE_EXT (tag 114)"},
		{"newer reference", "83 5a", 1, "NEWER_REFERENCE_EXT (tag 90)"},
		{"fun", "83 75", 1, "FUN_EXT (tag 117)"},
		{"new fun", "83 70", 1, "NEW_FUN_EXT (tag 112)"},
		{"export", "83 71", 1, "EXPORT_EXT (tag 113)"},
		{"bit binary", "83 4d 00000001 03 ff", 1, "BIT_BINARY_EXT (tag 77)"},
		{"atom cache ref", "83 52 00", 1, "ATOM_CACHE_REF (tag 82)"},
		{"local", "83 79", 1, "LOCAL_EXT (tag 121)"},
		{"unknown tag", "83 00", 1, "unknown tag 0"},
		{"compressed inside a list", "83 6c 00000001 50", 6, "COMPRESSED (tag 80)"},
		{"pid inside a map", "83 74 00000001 6d0000000161 67", 12, "PID_EXT"},
		{"improper list", "83 6c 00000001 6101 6102", 8, "improper list: its tail is SMALL_INTEGER_EXT"},
		{"improper after list tail", "83 6c 00000001 6101 6c 00000001 6102 6d00000000", 15, "improper list: its tail is BINARY_EXT"},
		{"integer map key", "83 74 00000001 6101 6101", 6, "map key is SMALL_INTEGER_EXT (tag 97), not a binary or atom"},
		{"list map key", "83 74 00000001 6a 6101", 6, "map key is NIL_EXT"},
		{"duplicate key", "83 74 00000002 6d0000000161 6101 6d0000000161 6102", 14, `duplicate map key "a"`},
		{"atom and binary key clash", "83 74 00000002 77016b 6101 6d000000016b 6102", 11, `duplicate map key "k"`},
		{"true key clash", "83 74 00000002 770474727565 6101 6d0000000474727565 6102", 14, `duplicate map key "true"`},
		{"invalid utf8 atom", "83 77 01 ff", 1, "not valid UTF-8"},
		{"surrogate in atom", "83 77 03 eda080", 1, "not valid UTF-8"},
		{"atom of 256 chars", "83 64 0100" + strings.Repeat("61", 256), 1, "atom of 256 characters"},
		{"NaN", "83 46 7ff8000000000000", 1, "not finite"},
		{"infinity", "83 46 fff0000000000000", 1, "not finite"},
		{"old float garbage", "83 63 31782e35" + strings.Repeat("00", 27), 1, "not a float"},
		{"old float hex syntax", "83 63 3078312e3870" + strings.Repeat("00", 25), 1, "not a float"},
		{"old float inf", "83 63 696e66" + strings.Repeat("00", 28), 1, "not a float"},
		{"old float overflow", "83 63 31652b393939" + strings.Repeat("00", 25), 1, "not a float"},
		{"old float empty", "83 63" + strings.Repeat("00", 31), 1, "not a float"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := Decode(unhex(t, c.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Decode = %#v, %v; want a *SyntaxError", v, err)
			}
			if se.Offset != c.offset || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("error %q; want offset %d and %q", err, c.offset, c.msg)
			}
		})
	}
}

func TestDecodeCompressed(t *testing.T) {
	// term_to_binary(<<"aaaa...">>, [compressed]) starts 131, 80, size.
	for _, in := range []string{"83 50 00000400 789c", "83 50"} {
		if _, err := Decode(unhex(t, in)); !errors.Is(err, ErrCompressed) {
			t.Errorf("Decode(%s) = %v, want ErrCompressed", in, err)
		}
	}
}

// allocated reports the bytes f allocates, averaged over a few runs. A
// first, unmeasured run grows the goroutine's stack, which deep recursion
// needs once and which would otherwise count as allocation.
func allocated(f func()) uint64 {
	const runs = 10
	var before, after runtime.MemStats
	f()
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}

// A header may claim up to 2^32-1 elements or bytes. None of that may be
// reserved before the input shows it is there, including when many such
// headers nest inside each other.
func TestDecodeHugeClaimsDoNotAllocate(t *testing.T) {
	nestedClaims := []byte{131}
	for range DefaultMaxDepth {
		nestedClaims = append(nestedClaims, 108, 255, 255, 255, 255)
	}
	nestedMaps := []byte{131}
	for range DefaultMaxDepth {
		nestedMaps = append(nestedMaps, 116, 255, 255, 255, 255, 109, 0, 0, 0, 1, 'k')
	}
	cases := map[string][]byte{
		"list":           unhex(t, "83 6c ffffffff"),
		"list with some": append(unhex(t, "83 6c ffffffff"), []byte(strings.Repeat("\x61\x01", 100))...),
		"tuple":          unhex(t, "83 69 ffffffff 6a"),
		"map":            unhex(t, "83 74 ffffffff 6d0000000161 6a"),
		"binary":         unhex(t, "83 6d ffffffff 00"),
		"large big":      unhex(t, "83 6f ffffffff 00 01"),
		"atom":           unhex(t, "83 76 ffff 61"),
		"nested lists":   nestedClaims,
		"nested maps":    nestedMaps,
	}
	for name, in := range cases {
		var err error
		n := allocated(func() { _, err = Decode(in) })
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want a *SyntaxError", name, err)
		}
		// Decoding a well-formed term of this size allocates a few KB at
		// most; a reservation driven by the claimed count would be GBs.
		if n > 64<<10 {
			t.Errorf("%s: %d-byte input allocated %d bytes", name, len(in), n)
		}
	}
}

func TestDecodeDeepNestingIsRefusedNotRecursed(t *testing.T) {
	const depth = 1_000_000
	for name, open := range map[string][]byte{
		"lists":  {108, 0, 0, 0, 1},
		"tuples": {104, 1},
		"maps":   {116, 0, 0, 0, 1, 109, 0, 0, 0, 0},
	} {
		in := append([]byte{131}, []byte(strings.Repeat(string(open), depth))...)
		_, err := Decode(in)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, "nested deeper") {
			t.Errorf("%s: err = %v, want a nesting error", name, err)
		}
	}
}

// List tails are followed without nesting, so a long chain of one-element
// LIST_EXTs, each the tail of the one before, is a flat list.
func TestDecodeLongTailChain(t *testing.T) {
	const n = 100_000
	in := []byte{131}
	for range n {
		in = append(in, 108, 0, 0, 0, 1, 97, 7)
	}
	in = append(in, 106)
	v, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := v.([]any); !ok || len(l) != n || l[n-1] != int64(7) {
		t.Errorf("decoded %T of length %d", v, len(v.([]any)))
	}
}
