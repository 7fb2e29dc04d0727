package hexmeta

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hexship/ship/tarball"
)

// FuzzParseVersion checks that ParseVersion and ParseApproximate accept
// exactly what Elixir's parser accepts, and that a parsed version prints
// back as written and compares equal to itself.
func FuzzParseVersion(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if elixirOK, _ := elixirParseVersion(s, false); elixirOK != (err == nil) {
			t.Fatalf("ParseVersion(%q) = %v, but Elixir finds it valid = %v", s, err, elixirOK)
		}
		if err != nil {
			if ve, ok := errors.AsType[*VersionError](err); !ok || ve.Version != s {
				t.Fatalf("ParseVersion(%q) error %#v is not a *VersionError for the input", s, err)
			}
		} else {
			if v.String() != s || v.Compare(v) != 0 {
				t.Fatalf("ParseVersion(%q) = %v, which prints as %q and compares %d to itself", s, v, v.String(), v.Compare(v))
			}
			if versionMessage(s) == "" && (v.Build != "" || len(strings.Join(v.Pre, ".")) > MaxPreRelease) {
				t.Fatalf("hex.pm's limits let %q through", s)
			}
		}
		_, hasPatch, err := ParseApproximate(s)
		if elixirOK, elixirPatch := elixirParseVersion(s, true); elixirOK != (err == nil) || err == nil && hasPatch != elixirPatch {
			t.Fatalf("ParseApproximate(%q) = %v, %v, but Elixir says valid %v, PATCH %v", s, hasPatch, err, elixirOK, elixirPatch)
		}
	})
}

// FuzzParseRequirement checks that ParseRequirement accepts exactly what
// Elixir's parser accepts, and that each clause's version is one.
func FuzzParseRequirement(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		clauses, err := ParseRequirement(s)
		if elixirOK := elixirParseRequirement(s); elixirOK != (err == nil) {
			t.Fatalf("ParseRequirement(%q) = %+v, %v, but Elixir finds it valid = %v", s, clauses, err, elixirOK)
		}
		for i, c := range clauses {
			if _, _, verr := parseVersion(c.Version, c.Op == "~>"); verr != nil {
				t.Fatalf("clause %d of %q has version %q: %v", i, s, c.Version, verr)
			}
			if (i == 0) != (c.Conj == "") {
				t.Fatalf("clause %d of %q has conjunction %q", i, s, c.Conj)
			}
		}
		if check := CheckRequirement(s); (err != nil) != (check != nil && !errors.Is(check, ErrNotEqual)) {
			t.Fatalf("ParseRequirement(%q) = %v but CheckRequirement = %v", s, err, check)
		}
	})
}

// FuzzValidate feeds Validate hostile strings in every field: it must not
// panic, must refuse what is malformed, and its messages must be valid
// UTF-8 of bounded length, since a server sends them back as JSON.
func FuzzValidate(f *testing.F) {
	f.Fuzz(func(t *testing.T, name, version, app, license, link, req, dep string) {
		m := tarball.Metadata{
			Name: name, Version: version, App: app, Description: "d",
			Licenses: []string{license}, Links: []tarball.Link{{Name: "L", URL: link}},
			Files: []string{"f"}, BuildTools: []string{"mix"}, Elixir: req,
			Requirements: []tarball.Requirement{{Name: dep, Requirement: req, App: app}},
		}
		errs := Validate(m)
		for _, e := range errs {
			if !utf8.ValidString(e.Msg) || len(e.Msg) > 4096*6+100 {
				t.Fatalf("message at %v is not valid UTF-8 or too long: %.200q", e.Path, e.Msg)
			}
		}
		has := func(path ...string) bool {
			for _, e := range errs {
				if strings.Join(e.Path, "\x00") == strings.Join(path, "\x00") {
					return true
				}
			}
			return false
		}
		if CheckName(name) != nil && !has("name") {
			t.Fatalf("invalid name %q not reported", name)
		}
		if _, err := ParseVersion(version); err != nil && !has("version") {
			t.Fatalf("invalid version %q not reported", version)
		}
		if CheckLicense(license) != nil && !has("meta", "licenses") {
			t.Fatalf("invalid license %q not reported", license)
		}
		if CheckRequirement(req) != nil && strings.TrimSpace(req) != "" && !has("meta", "elixir") {
			t.Fatalf("invalid requirement %q not reported", req)
		}
		if len(errs) == 0 && !namePattern.MatchString(name+app+dep) {
			t.Fatalf("valid, with names %q, %q, %q", name, app, dep)
		}
	})
}
