package hexmeta

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		want error // nil when the name is valid
	}{
		{"ab", nil},
		{"my_package", nil},
		{"a1_b2", nil},
		{"plug_cowboy", nil},
		{"elixir_x", nil}, // only the reserved names themselves are refused
		{strings.Repeat("a", 255), nil},

		{"", ErrBlank},
		{"   ", ErrBlank},
		{"\t\n", ErrBlank},
		{"\u3000", ErrBlank}, // ideographic space is whitespace to Elixir too
		{"a", ErrTooShort},
		{"A", ErrTooShort}, // hex.pm checks the length before the format
		{"é", ErrTooShort},
		{strings.Repeat("a", 256), ErrTooLong},
		{strings.Repeat("é", 256), ErrTooLong},
		{"My_pkg", ErrFormat},
		{"my-pkg", ErrFormat},
		{"my.pkg", ErrFormat},
		{"9lives", ErrFormat},
		{"_private", ErrFormat},
		{" ab", ErrFormat},
		{"ab\n", ErrFormat},
		{"ab\x00", ErrFormat},
		{"ab/../x", ErrFormat},
		{"café", ErrFormat},
		{"ab\xff", ErrFormat},

		{"elixir", ErrReserved},
		{"ex_unit", ErrReserved},
		{"rebar3", ErrReserved},
		{"typer", ErrReserved},
		{"public_key", ErrReserved},
		{"httpc", ErrReserved},
		{"gen_http", ErrReserved},
		{"com1", ErrReserved},
		{"lpt9", ErrReserved},
		{"myapp", ErrReserved},
		{"staging", ErrReserved},
		{"docs", ErrReserved},
	}
	for _, tt := range tests {
		if got := CheckName(tt.name); got != tt.want {
			t.Errorf("CheckName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNameErrorsAreHexpmMessages(t *testing.T) {
	for err, msg := range map[error]string{
		ErrBlank:    "can't be blank",
		ErrTooShort: "should be at least 2 character(s)",
		ErrFormat:   "has invalid format",
		ErrReserved: "is reserved",
	} {
		if err.Error() != msg {
			t.Errorf("%v, want hex.pm's %q", err, msg)
		}
	}
}

func TestCheckDependencyNameAndAppName(t *testing.T) {
	tests := []struct {
		name string
		want error
	}{
		{"plug", nil},
		{"x", nil},      // a one-letter package may predate hex.pm's rule
		{"elixir", nil}, // a dependency on a reserved name is a lookup, not a creation
		{"ssl", nil},    // an application may well be called this
		{"", ErrBlank},
		{" ", ErrBlank},
		{"Plug", ErrFormat},
		{"9plug", ErrFormat},
		{"plug-cowboy", ErrFormat},
		{"../plug", ErrFormat},
		{"plug\x00", ErrFormat},
		{"plüg", ErrFormat},
		{strings.Repeat("p", 256), ErrTooLong},
	}
	for _, tt := range tests {
		if got := CheckDependencyName(tt.name); got != tt.want {
			t.Errorf("CheckDependencyName(%q) = %v, want %v", tt.name, got, tt.want)
		}
		if got := CheckAppName(tt.name); got != tt.want {
			t.Errorf("CheckAppName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !errors.Is(CheckAppName("My App"), ErrFormat) || !IsReservedName("mix") || IsReservedName("mix_x") {
		t.Errorf("CheckAppName or IsReservedName disagrees with CheckName")
	}
}
