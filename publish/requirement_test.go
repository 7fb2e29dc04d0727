package publish

import (
	"strings"
	"testing"
)

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
