package etf

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
)

type version string
type count uint16

func TestEncodeBytes(t *testing.T) {
	five := 5
	var nilInt *int
	var nilMap map[string]int
	var nilStrings []string
	cases := []struct {
		name string
		in   any
		want string // hex after the version byte 83
	}{
		{"nil", nil, "77 03 6e696c"},
		{"true", true, "77 04 74727565"},
		{"false", false, "77 05 66616c7365"},
		{"atom", Atom("ok"), "77 02 6f6b"},
		{"atom utf8", Atom("é"), "77 02 c3a9"},
		{"empty atom", Atom(""), "77 00"},
		{"atom over 255 bytes", Atom(strings.Repeat("é", 128)), "76 0100 " + strings.Repeat("c3a9", 128)},
		{"empty binary", "", "6d 00000000"},
		{"binary", "ab", "6d 00000002 6162"},
		{"bytes", []byte{0, 255}, "6d 00000002 00ff"},
		{"named string", version("1.0"), "6d 00000003 312e30"},
		{"zero", 0, "61 00"},
		{"small max", uint8(255), "61 ff"},
		{"uintptr", uintptr(1 << 32), "6e 05 00 0000000001"},
		{"named uint", count(256), "62 00000100"},
		{"minus one", int8(-1), "62 ffffffff"},
		{"int32 max", int32(math.MaxInt32), "62 7fffffff"},
		{"int32 min", int64(math.MinInt32), "62 80000000"},
		{"2^31", int64(1 << 31), "6e 04 00 00000080"},
		{"-2^31-1", int64(-1<<31 - 1), "6e 04 01 01000080"},
		{"2^32", uint64(1 << 32), "6e 05 00 0000000001"},
		{"int64 max", int64(math.MaxInt64), "6e 08 00 ffffffffffffff7f"},
		{"int64 min", int64(math.MinInt64), "6e 08 01 0000000000000080"},
		{"uint64 max", uint64(math.MaxUint64), "6e 08 00 ffffffffffffffff"},
		{"small big.Int", big.NewInt(-2), "62 fffffffe"},
		{"2^64", bigInt("0x10000000000000000"), "6e 09 00 000000000000000001"},
		{"-2^64", bigInt("-0x10000000000000000"), "6e 09 01 000000000000000001"},
		{"255-byte big", new(big.Int).Lsh(big.NewInt(1), 2039), "6e ff 00" + strings.Repeat("00", 254) + "80"},
		{"256-byte big", new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 2040)), "6f 00000100 01" + strings.Repeat("00", 255) + "01"},
		{"float", 1.5, "46 3ff8000000000000"},
		{"negative zero", math.Copysign(0, -1), "46 8000000000000000"},
		{"float32", float32(0.5), "46 3fe0000000000000"},
		{"time", time.Date(2026, 12, 3, 15, 5, 6, 123456789, time.FixedZone("CET", 3600)), "6d 00000014 " + hex.EncodeToString([]byte("2026-12-03T14:05:06Z"))},
		{"empty tuple", Tuple{}, "68 00"},
		{"tuple", Tuple{Atom("ok"), 1}, "68 02 77026f6b 6101"},
		{"large tuple", make(Tuple, 256), "69 00000100" + strings.Repeat("77036e696c", 256)},
		{"empty list", []any{}, "6a"},
		{"nil slice", nilStrings, "6a"},
		{"list", []int{1, 2}, "6c 00000002 6101 6102 6a"},
		{"array", [2]string{"a", "b"}, "6c 00000002 6d0000000161 6d0000000162 6a"},
		{"list of lists", []any{[]any{}}, "6c 00000001 6a 6a"},
		{"empty map", map[string]any{}, "74 00000000"},
		{"nil map", nilMap, "74 00000000"},
		{"map sorted", map[string]any{"b": 1, "a": true, "ab": nil},
			"74 00000003 6d0000000161 770474727565 6d000000026162 77036e696c 6d0000000162 6101"},
		{"map of strings", map[version]string{"x": "y"}, "74 00000001 6d0000000178 6d0000000179"},
		{"pointer", &five, "61 05"},
		{"nil pointer", nilInt, "77 03 6e696c"},
		{"nil big.Int", (*big.Int)(nil), "77 03 6e696c"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Encode(c.in)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]byte{131}, unhex(t, c.want)...)
			if !bytes.Equal(got, want) {
				t.Errorf("Encode(%#v)\n got % x\nwant % x", c.in, got, want)
			}
		})
	}
}

func TestEncodeMapOrderIsDeterministic(t *testing.T) {
	m := map[string]any{}
	for _, k := range strings.Fields("z y x w v u t s r q p o n m l k j i h g f e d c b a") {
		m[k] = k
	}
	first, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := Encode(m)
		if !bytes.Equal(first, again) {
			t.Fatal("two encodings of one map differ")
		}
	}
	if i, j := bytes.Index(first, []byte("\x01a")), bytes.Index(first, []byte("\x01z")); i > j {
		t.Error("key a written after key z")
	}
}

func TestEncodeRefuses(t *testing.T) {
	type pkg struct{ Name string }
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	var selfPointer any
	selfPointer = &selfPointer
	cases := []struct {
		name string
		in   any
		want string // in the error message
	}{
		{"struct", pkg{"x"}, "etf.pkg: structs are not supported"},
		{"struct pointer", &pkg{"x"}, "etf.pkg"},
		{"struct in list", []any{1, pkg{}}, "etf.pkg"},
		{"chan", make(chan int), "chan int"},
		{"func", func() {}, "func()"},
		{"complex", 1i, "complex128"},
		{"int keys", map[int]string{1: "a"}, "map[int]string: map keys must be strings"},
		{"NaN", math.NaN(), "float64: Erlang floats cannot be NaN"},
		{"Inf in map", map[string]float32{"x": float32(math.Inf(1))}, "float32"},
		{"bad utf8 atom", Atom("\xff"), "not valid UTF-8"},
		{"long atom", Atom(strings.Repeat("a", 256)), "longer than 255"},
		{"cycle", cyclic, "nested too deeply"},
		{"pointer cycle", selfPointer, "nested too deeply"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Encode(c.in)
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Fatalf("Encode = % x, %v; want an *EncodeError", got, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestEncodeAtom255Characters(t *testing.T) {
	// Erlang's limit is characters, not bytes: 255 two-byte characters fit.
	got, err := Encode(Atom(strings.Repeat("é", 255)))
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(got)
	if err != nil || back != Atom(strings.Repeat("é", 255)) {
		t.Errorf("Decode(Encode(atom)) = %v, %v", back, err)
	}
}
