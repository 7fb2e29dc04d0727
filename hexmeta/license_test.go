package hexmeta

import (
	"strings"
	"testing"
)

func TestCheckLicense(t *testing.T) {
	valid := []string{
		"MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-or-later", "MPL-2.0", "0BSD", "Unlicense",
		"GPL-3.0", "GPL-2.0+", "LGPL-2.1", // deprecated, still accepted by hex.pm
		"LicenseRef-Mine", "LicenseRef-My.License-1", "LicenseRef-x",
	}
	for _, id := range valid {
		if err := CheckLicense(id); err != nil {
			t.Errorf("CheckLicense(%q) = %v, want nil", id, err)
		}
	}
	invalid := []struct{ id, want string }{
		{"", "not an SPDX license identifier"},
		{"mit", "not an SPDX license identifier"}, // hex.pm takes SPDX's spelling only
		{"apache-2.0", "not an SPDX"},
		{" MIT", "not an SPDX"},
		{"MIT ", "not an SPDX"},
		{"MIT License", "not an SPDX"},
		{"MIT OR Apache-2.0", "not an SPDX"}, // one identifier per entry
		{"(MIT)", "not an SPDX"},
		{"Apache-2.0 WITH LLVM-exception", "not an SPDX"},
		{"LLVM-exception", "not an SPDX"}, // an exception is not a license
		{"LicenseRef-", "not a valid LicenseRef"},
		{"LicenseRef-my license", "not a valid LicenseRef"},
		{"LicenseRef-x_y", "not a valid LicenseRef"},
		{"LicenseRef-é", "not a valid LicenseRef"},
		{"licenseref-x", "not an SPDX"},
		{"DocumentRef-x:LicenseRef-y", "not an SPDX"},
		{"MIT\x00", "not an SPDX"},
		{"МIT", "not an SPDX"}, // a Cyrillic М
		{strings.Repeat("MIT", 100_000), "not an SPDX"},
	}
	for _, tt := range invalid {
		err := CheckLicense(tt.id)
		if err == nil || !strings.Contains(err.Error(), tt.want) || len(err.Error()) > 300 {
			t.Errorf("CheckLicense(%.40q) = %.300v; want a short error saying %q", tt.id, err, tt.want)
		}
	}
}

func TestSPDXIdentifier(t *testing.T) {
	for in, want := range map[string]string{"mit": "MIT", "APACHE-2.0": "Apache-2.0", "gpl-3.0": "GPL-3.0"} {
		if got, ok := SPDXIdentifier(in); !ok || got != want {
			t.Errorf("SPDXIdentifier(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := SPDXIdentifier("not-a-license"); ok {
		t.Errorf("SPDXIdentifier found %q", got)
	}
	if SPDXListVersion() == "" {
		t.Errorf("SPDXListVersion is empty")
	}
}
