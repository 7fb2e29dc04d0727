package hexmeta

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in      string
		want    []Clause
		wantErr string // the error, or part of it; empty when in is valid
	}{
		{in: "~> 1.0", want: []Clause{{Op: "~>", Version: "1.0"}}},
		{in: "~> 1.0.2", want: []Clause{{Op: "~>", Version: "1.0.2"}}},
		{in: "1.0.0", want: []Clause{{Op: "==", Version: "1.0.0"}}},
		{in: "== 1.0.0", want: []Clause{{Op: "==", Version: "1.0.0"}}},
		{in: "!= 1.0.0", want: []Clause{{Op: "!=", Version: "1.0.0"}}},
		{in: "!1.0.0", want: []Clause{{Op: "!=", Version: "1.0.0"}}},
		{in: ">=1.0.0", want: []Clause{{Op: ">=", Version: "1.0.0"}}},
		{in: "> 1.0.0-rc.1", want: []Clause{{Op: ">", Version: "1.0.0-rc.1"}}},
		{in: "<= 2.0.0+build.5", want: []Clause{{Op: "<=", Version: "2.0.0+build.5"}}},
		{in: "~> 2.0-beta", want: []Clause{{Op: "~>", Version: "2.0-beta"}}},
		{in: ">= 1.0.0 and < 2.0.0", want: []Clause{{Op: ">=", Version: "1.0.0"}, {Conj: "and", Op: "<", Version: "2.0.0"}}},
		{in: "== 1.0.0 or ~> 2.0", want: []Clause{{Op: "==", Version: "1.0.0"}, {Conj: "or", Op: "~>", Version: "2.0"}}},
		{in: "1.0.0 or 2.0.0 and 2.0.0", want: []Clause{{Op: "==", Version: "1.0.0"}, {Conj: "or", Op: "==", Version: "2.0.0"}, {Conj: "and", Op: "==", Version: "2.0.0"}}},
		{in: "  ~>  1.0  ", want: []Clause{{Op: "~>", Version: "1.0"}}},

		{in: "", wantErr: "no clauses"},
		{in: "   ", wantErr: "no clauses"},
		{in: ">= 1.0", wantErr: `version "1.0" has no PATCH number`},
		{in: "1.0", wantErr: `version "1.0" has no PATCH number`},
		{in: "~> 1", wantErr: `version "1" has no MINOR and PATCH numbers`},
		{in: "~> 1.0.0.0", wantErr: "more than three numbers"},
		{in: "~> 01.0", wantErr: `leading zero in "01"`},
		{in: "~> x.y", wantErr: `has "x" where a number should be`},
		{in: ">=", wantErr: `">=" is not followed by a version`},
		{in: ">= >= 1.0.0", wantErr: `">=" is not followed by a version`},
		{in: ">= 1.0.0 < 2.0.0", wantErr: `"and" or "or" missing after "1.0.0"`},
		{in: "1.0.0 2.0.0", wantErr: `"and" or "or" missing after "1.0.0"`},
		{in: "~> 1.0 or", wantErr: `nothing after "or"`},
		{in: "~> 1.0 or ", wantErr: `nothing after "or"`},
		{in: "~> 1.0 or or ~> 2.0", wantErr: `"or" where a clause should start`},
		{in: " and 1.0.0", wantErr: `"and" where a clause should start`},
		{in: "and ~> 1.0", wantErr: `"and" where a clause should start`},
		{in: ">=1.0.0 or>=2.0.0", wantErr: `"or" needs a space on each side`},
		{in: ">= 1.0.0 or>= 2.0.0", wantErr: `"or" needs a space on each side`},
		{in: ">= 1.0.0 and\u00a0< 2.0.0", wantErr: `"and" or "or" missing after "1.0.0"`},
		{in: "~> 1.0 OR ~> 2.0", wantErr: `"and" or "or" missing after "1.0"`},
		{in: "=> 1.0.0", wantErr: `version "="`},
		{in: "~> 1.0-", wantErr: "invalid pre-release"},
		{in: "~> 1.0.0-rc.01", wantErr: `leading zero in "01"`},
		{in: "~>\t1.0", wantErr: `version "\t1.0"`},

		// hostile strings
		{in: "~> 1.0\x00", wantErr: `version "1.0\x00"`},
		{in: "~> é", wantErr: `version "é"`},
		{in: "~> 1.0 or " + strings.Repeat("~> 1.0 or ", 10_000), wantErr: `nothing after "or"`},
		{in: strings.Repeat(">=", 10_000), wantErr: `">=" is not followed by a version`},
	}
	for _, tt := range tests {
		t.Run(quote(tt.in), func(t *testing.T) {
			got, err := ParseRequirement(tt.in)
			if valid := elixirParseRequirement(tt.in); valid != (tt.wantErr == "") {
				t.Fatalf("the table disagrees with Elixir, which finds %q valid = %v", tt.in, valid)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseRequirement(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				if len(err.Error()) > 300 {
					t.Fatalf("error is %d bytes long", len(err.Error()))
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseRequirement(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCheckRequirement(t *testing.T) {
	tests := []struct {
		in        string
		wantErr   bool
		wantNotEq bool // the error is ErrNotEqual
	}{
		{in: "~> 1.0"},
		{in: ">= 1.0.0 and < 2.0.0"},
		{in: "== 1.0.0 or ~> 2.0"},
		{in: "!= 1.0.0", wantErr: true, wantNotEq: true},
		{in: ">= 1.0.0 and != 1.2.0", wantErr: true, wantNotEq: true},
		{in: "!1.0.0"},                // Elixir reads "!" as "!=", but hex.pm only looks for "!="
		{in: "!= 1.0", wantErr: true}, // invalid before it is refused
		{in: "~> 1", wantErr: true},
	}
	for _, tt := range tests {
		err := CheckRequirement(tt.in)
		if (err != nil) != tt.wantErr || errors.Is(err, ErrNotEqual) != tt.wantNotEq {
			t.Errorf("CheckRequirement(%q) = %v; want error %v, ErrNotEqual %v", tt.in, err, tt.wantErr, tt.wantNotEq)
		}
	}
}
