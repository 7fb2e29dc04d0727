package hexmeta

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    Version
		wantErr string // the error, whole; empty when in is valid
	}{
		{in: "0.0.0", want: Version{}},
		{in: "1.2.3", want: Version{Major: 1, Minor: 2, Patch: 3}},
		{in: "10.20.30-alpha.1.x-y", want: Version{Major: 10, Minor: 20, Patch: 30, Pre: []string{"alpha", "1", "x-y"}}},
		{in: "1.0.0-0.3.7", want: Version{Major: 1, Pre: []string{"0", "3", "7"}}},
		{in: "1.0.0-rc-1", want: Version{Major: 1, Pre: []string{"rc-1"}}},
		{in: "1.0.0-0a", want: Version{Major: 1, Pre: []string{"0a"}}}, // not a number, so a leading zero is fine
		{in: "1.0.0+20130313144700", want: Version{Major: 1, Build: "20130313144700"}},
		{in: "1.0.0-beta+exp.sha.5114f85", want: Version{Major: 1, Pre: []string{"beta"}, Build: "exp.sha.5114f85"}},
		{in: "1.0.0+001", want: Version{Major: 1, Build: "001"}}, // build identifiers may have leading zeros
		{in: "1.0.0+b-c", want: Version{Major: 1, Build: "b-c"}}, // "-" after "+" is build metadata
		{in: "1.0.0-a+b+c", wantErr: `version "1.0.0-a+b+c" has an invalid build metadata "b+c": use dot-separated letters, digits and hyphens`},
		{in: "99999999999999.99999999999999.99999999999999", want: Version{Major: 99999999999999, Minor: 99999999999999, Patch: 99999999999999}},
		{in: "1.0.0-99999999999999", want: Version{Major: 1, Pre: []string{"99999999999999"}}},
		{in: "1.0.0-" + strings.Repeat("a", 100), want: Version{Major: 1, Pre: []string{strings.Repeat("a", 100)}}},

		{in: "", wantErr: `version "" is empty`},
		{in: "1", wantErr: `version "1" has no MINOR and PATCH numbers`},
		{in: "1.0", wantErr: `version "1.0" has no PATCH number`},
		{in: "1.0-rc.1", wantErr: `version "1.0-rc.1" has no PATCH number`},
		{in: "1.0.0.0", wantErr: `version "1.0.0.0" has more than three numbers`},
		{in: "v1.0.0", wantErr: `version "v1.0.0" has "v1" where a number should be`},
		{in: "1..0", wantErr: `version "1..0" has "" where a number should be`},
		{in: " 1.0.0", wantErr: `version " 1.0.0" has " 1" where a number should be`},
		{in: "1.0.0 ", wantErr: `version "1.0.0 " has "0 " where a number should be`},
		{in: "1.01.0", wantErr: `version "1.01.0" has a leading zero in "01"`},
		{in: "100000000000000.0.0", wantErr: `version "100000000000000.0.0" has more than 14 digits in "100000000000000"`},
		{in: "1.0.0-", wantErr: `version "1.0.0-" has an invalid pre-release "": use dot-separated letters, digits and hyphens`},
		{in: "1.0.0-a..b", wantErr: `has an invalid pre-release "a..b"`},
		{in: "1.0.0-01", wantErr: `version "1.0.0-01" has a leading zero in "01"`},
		{in: "1.0.0-100000000000000", wantErr: `has more than 14 digits in "100000000000000"`},
		{in: "1.0.0-a_b", wantErr: `has an invalid pre-release "a_b"`},
		{in: "1.0.0+", wantErr: `version "1.0.0+" has an invalid build metadata ""`},
		{in: "1.0.0+a_b", wantErr: `has an invalid build metadata "a_b"`},
		{in: "-1.0.0", wantErr: `has no MINOR and PATCH numbers`},
		{in: "+1.0.0", wantErr: `has no MINOR and PATCH numbers`},

		// hostile strings
		{in: "1.0.0\x00", wantErr: `version "1.0.0\x00" has "0\x00" where a number should be`},
		{in: "1.0.0-\x00", wantErr: `has an invalid pre-release "\x00"`},
		{in: "１.０.０", wantErr: `has "１" where a number should be`}, // fullwidth digits are not digits
		{in: "1.0.0-é", wantErr: `has an invalid pre-release "é"`},
		{in: "1.0.0-a\xffb", wantErr: `has an invalid pre-release "a\xffb"`},
		{in: "1.0.0-" + strings.Repeat("a.", 10_000), wantErr: `has an invalid pre-release "` + strings.Repeat("a.", 32) + `"...`},
		{in: strings.Repeat("9", 100_000) + ".0.0", wantErr: `more than 14 digits in "` + strings.Repeat("9", 64) + `"...`},
	}
	for _, tt := range tests {
		t.Run(quote(tt.in), func(t *testing.T) {
			got, err := ParseVersion(tt.in)
			if tt.wantErr != "" {
				var ve *VersionError
				if !errors.As(err, &ve) || ve.Version != tt.in || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseVersion(%q) = %v, %v; want a *VersionError containing %q", tt.in, got, err, tt.wantErr)
				}
				if len(err.Error()) > 300 {
					t.Fatalf("error is %d bytes long: a hostile version should not fill a log", len(err.Error()))
				}
				return
			}
			if err != nil || !equalVersions(got, tt.want) {
				t.Fatalf("ParseVersion(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Fatalf("String() = %q, want the parsed %q", s, tt.in)
			}
			if got.IsPre() != (len(tt.want.Pre) > 0) {
				t.Fatalf("IsPre() = %v", got.IsPre())
			}
		})
	}
}

func equalVersions(a, b Version) bool {
	return a.Major == b.Major && a.Minor == b.Minor && a.Patch == b.Patch && slices.Equal(a.Pre, b.Pre) && a.Build == b.Build
}

func TestParseApproximate(t *testing.T) {
	tests := []struct {
		in       string
		want     Version
		hasPatch bool
		wantErr  string
	}{
		{in: "1.2", want: Version{Major: 1, Minor: 2}},
		{in: "1.2.3", want: Version{Major: 1, Minor: 2, Patch: 3}, hasPatch: true},
		{in: "2.0-beta", want: Version{Major: 2, Pre: []string{"beta"}}},
		{in: "1", wantErr: "has no MINOR and PATCH numbers"},
		{in: "1.2.3.4", wantErr: "has more than three numbers"},
		{in: "01.2", wantErr: `leading zero in "01"`},
	}
	for _, tt := range tests {
		got, hasPatch, err := ParseApproximate(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseApproximate(%q) = %v, %v, %v; want error containing %q", tt.in, got, hasPatch, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !equalVersions(got, tt.want) || hasPatch != tt.hasPatch {
			t.Errorf("ParseApproximate(%q) = %v, %v, %v; want %v, %v", tt.in, got, hasPatch, err, tt.want, tt.hasPatch)
		}
	}
}

// TestCompare checks the precedence order SemVer 2.0 gives as its example,
// and what Hex adds: build metadata is ignored and numbers compare as
// numbers.
func TestCompare(t *testing.T) {
	ascending := []string{
		"0.0.0", "0.0.1", "0.1.0", "0.9.0", "0.10.0", "1.0.0-0", "1.0.0-2", "1.0.0-10", "1.0.0-99999999999999",
		"1.0.0-A", "1.0.0-Z", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0",
		"99999999999999.0.0",
	}
	versions := make([]Version, len(ascending))
	for i, s := range ascending {
		v, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		versions[i] = v
	}
	for i, v := range versions {
		for j, w := range versions {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := v.Compare(w); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", v, w, got, want)
			}
		}
	}

	a, _ := ParseVersion("1.0.0-rc.1+build.1")
	b, _ := ParseVersion("1.0.0-rc.1+build.2")
	if a.Compare(b) != 0 {
		t.Errorf("versions that differ only in build metadata compare %d, want 0", a.Compare(b))
	}
	// Versions built by hand may hold numbers too long for a uint64.
	huge := Version{Major: 1, Pre: []string{strings.Repeat("9", 30)}}
	huger := Version{Major: 1, Pre: []string{"1" + strings.Repeat("0", 30)}}
	if huge.Compare(huger) != -1 || huger.Compare(huge) != 1 {
		t.Errorf("long numeric identifiers do not compare as numbers")
	}
}
