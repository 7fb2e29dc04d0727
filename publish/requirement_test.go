package publish

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in      string
		want    []requirementClause
		wantErr string // substring of the error; empty when in is valid
	}{
		{in: "~> 1.0", want: []requirementClause{{"~>", "1.0"}}},
		{in: "~> 1.0.2", want: []requirementClause{{"~>", "1.0.2"}}},
		{in: "1.0.0", want: []requirementClause{{"==", "1.0.0"}}},
		{in: "== 1.0.0", want: []requirementClause{{"==", "1.0.0"}}},
		{in: "!= 1.0.0", want: []requirementClause{{"!=", "1.0.0"}}},
		{in: ">=1.0.0", want: []requirementClause{{">=", "1.0.0"}}},
		{in: "> 1.0.0-rc.1", want: []requirementClause{{">", "1.0.0-rc.1"}}},
		{in: "<= 2.0.0+build.5", want: []requirementClause{{"<=", "2.0.0+build.5"}}},
		{in: "~> 2.0-beta", want: []requirementClause{{"~>", "2.0-beta"}}},
		{in: ">= 1.2.0 and < 2.0.0", want: []requirementClause{{">=", "1.2.0"}, {"<", "2.0.0"}}},
		{in: "~> 1.0 or ~> 2.0", want: []requirementClause{{"~>", "1.0"}, {"~>", "2.0"}}},
		{in: "1.0.0 or 2.0.0", want: []requirementClause{{"==", "1.0.0"}, {"==", "2.0.0"}}},
		{in: "  ~>  1.0  ", want: []requirementClause{{"~>", "1.0"}}},

		{in: "", wantErr: "no clauses"},
		{in: "   ", wantErr: "no clauses"},
		{in: ">= 1.0", wantErr: `version "1.0" has no PATCH number`},
		{in: "1.0", wantErr: `version "1.0" has no PATCH number`},
		{in: "~> 1", wantErr: "has no MINOR and PATCH numbers"},
		{in: "~> 1.0.0.0", wantErr: "more than three numbers"},
		{in: "~> 01.0", wantErr: `leading zero in "01"`},
		{in: "~> x.y", wantErr: `has "x" where a number should be`},
		{in: ">=", wantErr: `">=" is not followed by a version`},
		{in: ">= >= 1.0.0", wantErr: `">=" is not followed by a version`},
		{in: ">= 1.0.0 < 2.0.0", wantErr: `"and" or "or" missing after "1.0.0"`},
		{in: "1.0.0 2.0.0", wantErr: `"and" or "or" missing after "1.0.0"`},
		{in: "~> 1.0 or", wantErr: `nothing after "or"`},
		{in: "~> 1.0 or or ~> 2.0", wantErr: `"or" where a clause should start`},
		{in: "~> 1.0 or ", wantErr: `nothing after "or"`},
		{in: " and 1.0.0", wantErr: `"and" where a clause should start`},
		{in: "=> 1.0.0", wantErr: `version "="`},
		{in: "~> 1.0-", wantErr: "invalid pre-release"},
		{in: "~> 1.0.0-rc.01", wantErr: `leading zero in "01"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseRequirement(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseRequirement(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("parseRequirement(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    semver
		wantErr string
	}{
		{in: "0.0.0"},
		{in: "1.2.3"},
		{in: "10.20.30-alpha.1.x-y", want: semver{pre: "alpha.1.x-y"}},
		{in: "1.0.0-0.3.7", want: semver{pre: "0.3.7"}},
		{in: "1.0.0+20130313144700", want: semver{build: "20130313144700", hasBuild: true}},
		{in: "1.0.0-beta+exp.sha.5114f85", want: semver{pre: "beta", build: "exp.sha.5114f85", hasBuild: true}},
		{in: "1.0.0+001", want: semver{build: "001", hasBuild: true}}, // build identifiers may have leading zeros
		{in: "99999999999999.0.0"},

		{in: "1.0", wantErr: "no PATCH"},
		{in: "1", wantErr: "no MINOR and PATCH"},
		{in: "v1.0.0", wantErr: `"v1"`},
		{in: "1.0.0.0", wantErr: "more than three"},
		{in: "1.01.0", wantErr: "leading zero"},
		{in: "1..0", wantErr: `has "" where a number`},
		{in: "100000000000000.0.0", wantErr: "more than 14 digits"},
		{in: "1.0.0-", wantErr: "invalid pre-release"},
		{in: "1.0.0-a..b", wantErr: "invalid pre-release"},
		{in: "1.0.0-01", wantErr: "leading zero"},
		{in: "1.0.0-ä", wantErr: "invalid pre-release"},
		{in: "1.0.0+", wantErr: "invalid build metadata"},
		{in: "1.0.0+a_b", wantErr: "invalid build metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseVersion(tt.in, false)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseVersion(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseVersion(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}
