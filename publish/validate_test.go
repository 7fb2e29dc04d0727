package publish

import (
	"strings"
	"testing"
)

func TestValidationRules(t *testing.T) {
	tests := []struct {
		name    string
		set     map[string]string // keys replacing baseManifest's; "" removes one
		tables  string
		wantKey string // the problem's key; empty when the manifest is valid
		want    string // text in the problem's Msg or Fix
	}{
		{name: "valid"},

		{name: "name missing", set: map[string]string{"name": ""}, wantKey: "name", want: "missing"},
		{name: "name with digits and underscores", set: map[string]string{"name": `"ab_9"`}},
		{name: "name uppercase", set: map[string]string{"name": `"My-Pkg"`}, wantKey: "name", want: `such as "my_pkg"`},
		{name: "name leading digit", set: map[string]string{"name": `"9lives"`}, wantKey: "name", want: "starting with a letter"},
		{name: "name too short", set: map[string]string{"name": `"x"`}, wantKey: "name", want: "at least 2 characters"},
		{name: "name reserved elixir", set: map[string]string{"name": `"ex_unit"`}, wantKey: "name", want: "reserved"},
		{name: "name reserved otp", set: map[string]string{"name": `"public_key"`}, wantKey: "name", want: "reserved"},
		{name: "name reserved windows", set: map[string]string{"name": `"com1"`}, wantKey: "name", want: "reserved"},
		{name: "name reserved generic", set: map[string]string{"name": `"staging"`}, wantKey: "name", want: "reserved"},
		{name: "name reserved tool", set: map[string]string{"name": `"rebar3"`}, wantKey: "name", want: "reserved"},

		{name: "version missing", set: map[string]string{"version": ""}, wantKey: "version", want: "missing"},
		{name: "version pre-release", set: map[string]string{"version": `"1.0.0-rc.1"`}},
		{name: "version two parts", set: map[string]string{"version": `"1.0"`}, wantKey: "version",
			want: `"1.0" is not a SemVer 2.0 version: it has no PATCH number; write MAJOR.MINOR.PATCH such as "1.0.0"`},
		{name: "version leading zero", set: map[string]string{"version": `"1.02.0"`}, wantKey: "version", want: "leading zero"},
		{name: "version build metadata", set: map[string]string{"version": `"1.0.0+build.1"`}, wantKey: "version", want: "hex.pm refuses"},
		{name: "version long pre-release", set: map[string]string{"version": `"1.0.0-` + strings.Repeat("a", 65) + `"`}, wantKey: "version", want: "64 characters"},

		{name: "app given", set: map[string]string{"app": `"my_app"`}},
		{name: "app invalid", set: map[string]string{"app": `"MyApp"`}, wantKey: "app", want: "not a valid OTP application name"},

		{name: "description missing", set: map[string]string{"description": ""}, wantKey: "description", want: "missing"},
		{name: "description blank", set: map[string]string{"description": `"  "`}, wantKey: "description", want: "missing"},

		{name: "licenses missing", set: map[string]string{"licenses": ""}, wantKey: "licenses", want: "missing"},
		{name: "licenses empty", set: map[string]string{"licenses": "[]"}, wantKey: "licenses", want: "at least one"},
		{name: "licenses several", set: map[string]string{"licenses": `["MIT", "Apache-2.0", "LicenseRef-Mine"]`}},
		{name: "license unknown", set: map[string]string{"licenses": `["MIT", "apache 2"]`}, wantKey: "licenses[1]", want: `did you mean "Apache-2.0"?`},

		{name: "links valid", tables: "[links]\nGitHub = \"https://github.com/me/my_pkg\"\nDocs = \"http://example.com/docs\"\n"},
		{name: "link without scheme", tables: "[links]\nGitHub = \"github.com/me/my_pkg\"\n", wantKey: "links.GitHub", want: "not an http or https URL"},
		{name: "link ftp", tables: "[links]\nMirror = \"ftp://example.com/\"\n", wantKey: "links.Mirror", want: "not an http or https URL"},
		{name: "link without host", tables: "[links]\n\"Home page\" = \"https:///path\"\n", wantKey: `links."Home page"`, want: "https://"},

		{name: "build_tools given", set: map[string]string{"build_tools": `["rebar3", "make"]`}},
		{name: "build_tools empty", set: map[string]string{"build_tools": `[]`}, wantKey: "build_tools", want: "let ship guess"},
		{name: "build_tools blank entry", set: map[string]string{"build_tools": `["mix", ""]`}, wantKey: "build_tools[1]", want: "is empty"},

		{name: "elixir valid", set: map[string]string{"elixir": `"~> 1.14"`}},
		{name: "elixir invalid", set: map[string]string{"elixir": `">= 1.14"`}, wantKey: "elixir", want: "no PATCH number"},

		{name: "requirement valid", tables: "[requirements.plug]\nrequirement = \"~> 1.0\"\noptional = true\napp = \"plug\"\nrepository = \"hexpm\"\n"},
		{name: "requirement missing", tables: "[requirements.plug]\noptional = true\n", wantKey: "requirements.plug.requirement", want: "missing"},
		{name: "requirement invalid", tables: "[requirements.plug]\nrequirement = \"1.0\"\n", wantKey: "requirements.plug.requirement", want: "not a valid version requirement"},
		{name: "requirement with !=", tables: "[requirements.plug]\nrequirement = \"!= 1.0.0\"\n", wantKey: "requirements.plug.requirement", want: "hex.pm refuses"},
		{name: "dependency name invalid", tables: "[requirements.Plug-Cowboy]\nrequirement = \"~> 2.0\"\n", wantKey: "requirements.Plug-Cowboy", want: `"plug_cowboy"`},
		{name: "dependency app invalid", tables: "[requirements.plug]\nrequirement = \"~> 1.0\"\napp = \"9plug\"\n", wantKey: "requirements.plug.app", want: "OTP application"},
		{name: "dependency repository invalid", tables: "[requirements.plug]\nrequirement = \"~> 1.0\"\nrepository = \"Hex PM\"\n", wantKey: "requirements.plug.repository", want: "not a repository name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newPackage(t, manifestText(tt.set, tt.tables), map[string]string{"lib/my_pkg.ex": "defmodule MyPkg do\nend\n"})
			if tt.wantKey == "" {
				mustLoad(t, dir)
				return
			}
			problems := loadProblems(t, dir)
			if _, ok := findProblem(problems, tt.wantKey, tt.want); !ok {
				t.Fatalf("no problem with key %q mentioning %q; got:\n%s", tt.wantKey, tt.want, (&ManifestError{problems}).Error())
			}
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	dir := newPackage(t, manifestText(map[string]string{
		"name":     `"Bad"`,
		"version":  `"1.0"`,
		"licenses": `["MIT License"]`,
		"files":    `["lib", "docs/**"]`,
	}, ""), map[string]string{"lib/a.ex": ""})
	t.Chdir(dir) // Load(".") names the manifest as an author would: ship.toml
	err := &ManifestError{loadProblems(t, ".")}
	want := []string{
		`ship.toml: name: "Bad" is not a valid package name; use lowercase letters, digits and underscores, starting with a letter, such as "bad"`,
		`ship.toml: version: "1.0" is not a SemVer 2.0 version: it has no PATCH number; write MAJOR.MINOR.PATCH such as "1.0.0", optionally with a pre-release such as "1.0.0-rc.1"`,
		`ship.toml: licenses[0]: "MIT License" is not an SPDX license identifier; did you mean "MIT"?`,
		`ship.toml: files[1]: "docs/**" matches nothing; check the path, or remove the entry (wildcards do not match names that start with ".")`,
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestLongDescriptionWarns(t *testing.T) {
	dir := newPackage(t, manifestText(map[string]string{"description": `"` + strings.Repeat("é", 301) + `"`}, ""),
		map[string]string{"lib/a.ex": ""})
	p := mustLoad(t, dir)
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "description: is 301 characters long") {
		t.Fatalf("Warnings = %q, want one about the description's length", p.Warnings)
	}
}

func TestLicenseProblem(t *testing.T) {
	tests := []struct {
		license string
		msg     string // text in the message; empty when the license is accepted
		fix     string // text in the fix
	}{
		{license: "MIT"},
		{license: "Apache-2.0"},
		{license: "GPL-3.0-or-later"},
		{license: "GPL-3.0"}, // deprecated, still accepted by hex.pm
		{license: "LicenseRef-My.License-1"},
		{license: "LicenseRef-", msg: "not a valid LicenseRef", fix: "letters, digits"},
		{license: "LicenseRef-my license", msg: "not a valid LicenseRef"},
		{license: "mit", msg: "not spelled as SPDX spells it", fix: `write "MIT"`},
		{license: " Apache-2.0", msg: "not spelled", fix: `write "Apache-2.0"`},
		{license: "apache 2", msg: "not an SPDX license identifier", fix: `did you mean "Apache-2.0"?`},
		{license: "MIT License", msg: "not an SPDX", fix: `did you mean "MIT"?`},
		{license: "Apache License, Version 2.0", fix: `did you mean "Apache-2.0"?`},
		{license: "GPL v3", fix: `did you mean "GPL-3.0-only"?`},
		{license: "Apach-2.0", fix: `did you mean "Apache-2.0"?`},
		{license: "BSD", msg: "not an SPDX", fix: "https://spdx.org/licenses/"},
		{license: "Public Domain", fix: "LicenseRef-NAME"},
		{license: "MIT OR Apache-2.0", msg: "SPDX expression", fix: `licenses = ["Apache-2.0", "MIT"]`},
		{license: "Apache-2.0 WITH LLVM-exception", msg: "license exception", fix: `write "Apache-2.0"`},
		{license: "apache-2.0 with LLVM-exception", msg: "license exception", fix: `write "Apache-2.0"`},
		{license: "MIT OR Apache-2.0 WITH LLVM-exception", msg: "SPDX expression", fix: `licenses = ["Apache-2.0 WITH LLVM-exception", "MIT"]`},
	}
	for _, tt := range tests {
		t.Run(tt.license, func(t *testing.T) {
			msg, fix := licenseProblem(tt.license)
			if tt.msg == "" && tt.fix == "" {
				if msg != "" {
					t.Fatalf("licenseProblem(%q) = %q, %q; want it accepted", tt.license, msg, fix)
				}
				return
			}
			if msg == "" || !strings.Contains(msg, tt.msg) || !strings.Contains(fix, tt.fix) {
				t.Fatalf("licenseProblem(%q) = %q, %q; want %q and %q in them", tt.license, msg, fix, tt.msg, tt.fix)
			}
		})
	}
}

func TestDeprecatedLicenseWarns(t *testing.T) {
	dir := newPackage(t, manifestText(map[string]string{"licenses": `["GPL-2.0"]`}, ""), map[string]string{"lib/a.ex": ""})
	p := mustLoad(t, dir)
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], `licenses[0]: "GPL-2.0" is a deprecated SPDX identifier`) {
		t.Fatalf("Warnings = %q, want one about the deprecated license", p.Warnings)
	}
}
