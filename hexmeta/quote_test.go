package hexmeta

import (
	"strings"
	"testing"
)

// TestInspect checks inspect against what Elixir's inspect/1 prints for
// the same binaries with its default options.
func TestInspect(t *testing.T) {
	zeros := "<<" + strings.Repeat("0, ", 50) + "...>>"
	tests := []struct{ in, want string }{
		{"", `""`},
		{"MIT License", `"MIT License"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"#{x}", `"\#{x}"`},
		{"a#b{", `"a#b{"`},
		{"a\nb\tc\r", `"a\nb\tc\r"`},
		{"\x1b\a\b\f\v\x7f", `"\e\a\b\f\v\d"`},
		{"é 日本 😀", `"é 日本 😀"`},
		{"a\u200bb", `"a\u200Bb"`},
		{"\u00a0", `"\u00A0"`},
		{"\u202eevil", `"\u202Eevil"`},
		{"\ufeff", `"\uFEFF"`},
		{"a\x00b", "<<97, 0, 98>>"},
		{"\x01", "<<1>>"},
		{"\xff", "<<255>>"},
		{"\u0085", "<<194, 133>>"}, // C1 controls are not printable
		{"\ufffe", "<<239, 191, 190>>"},
		{strings.Repeat("\x00", 50), "<<" + strings.Repeat("0, ", 49) + "0>>"},
		{strings.Repeat("\x00", 51), zeros},
		{strings.Repeat("a", 4096), `"` + strings.Repeat("a", 4096) + `"`},
		{strings.Repeat("a", 4097), `"` + strings.Repeat("a", 4096) + `" <> ...`},
		{strings.Repeat("é", 5000), `"` + strings.Repeat("é", 4096) + `" <> ...`},
		// Only the first 4096 characters decide whether a string is printable.
		{strings.Repeat("a", 4096) + "\x00", `"` + strings.Repeat("a", 4096) + `" <> ...`},
		{strings.Repeat("a", 4095) + "\x00", "<<" + strings.Repeat("97, ", 50) + "...>>"},
	}
	for _, tt := range tests {
		if got := inspect(tt.in); got != tt.want {
			t.Errorf("inspect(%.60q) = %.80s, want %.80s", tt.in, got, tt.want)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"1.0":                         `"1.0"`,
		"a\x00":                       `"a\x00"`,
		strings.Repeat("a", 64):       `"` + strings.Repeat("a", 64) + `"`,
		strings.Repeat("a", 65):       `"` + strings.Repeat("a", 64) + `"...`,
		"a" + strings.Repeat("é", 40): `"a` + strings.Repeat("é", 31) + `"...`, // cut between runes
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}
