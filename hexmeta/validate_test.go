package hexmeta

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hexship/ship/tarball"
)

// validMetadata is what mix writes for a small package.
func validMetadata() tarball.Metadata {
	return tarball.Metadata{
		Name:        "my_pkg",
		Version:     "1.0.0",
		App:         "my_pkg",
		Description: "Does one thing well.",
		Licenses:    []string{"Apache-2.0"},
		Links:       []tarball.Link{{Name: "GitHub", URL: "https://github.com/me/my_pkg"}},
		Files:       []string{"lib/my_pkg.ex", "mix.exs"},
		BuildTools:  []string{"mix"},
		Elixir:      "~> 1.14",
		Requirements: []tarball.Requirement{
			{Name: "jason", Requirement: ">= 1.0.0 and < 2.0.0", Optional: true},
			{Name: "plug", App: "plug", Requirement: "~> 1.0", Repository: "hexpm"},
		},
	}
}

func fe(msg string, path ...string) FieldError {
	return FieldError{Path: path, Msg: msg}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *tarball.Metadata)
		want   []FieldError
	}{
		{name: "valid", change: func(m *tarball.Metadata) {}},
		{name: "valid minimal", change: func(m *tarball.Metadata) {
			m.Links, m.Elixir, m.Requirements = nil, "", nil
		}},
		{name: "empty licenses list", change: func(m *tarball.Metadata) { m.Licenses = []string{} }},
		{name: "pre-release", change: func(m *tarball.Metadata) { m.Version = "1.0.0-rc.1" }},
		{name: "pre-release of 64 characters", change: func(m *tarball.Metadata) { m.Version = "1.0.0-" + strings.Repeat("a", 64) }},

		{name: "name blank", change: func(m *tarball.Metadata) { m.Name = "" },
			want: []FieldError{fe("can't be blank", "name")}},
		{name: "name short", change: func(m *tarball.Metadata) { m.Name = "x" },
			want: []FieldError{fe("should be at least 2 character(s)", "name")}},
		{name: "name format", change: func(m *tarball.Metadata) { m.Name = "My-Pkg" },
			want: []FieldError{fe("has invalid format", "name")}},
		{name: "name reserved", change: func(m *tarball.Metadata) { m.Name = "mix" },
			want: []FieldError{fe("is reserved", "name")}},
		{name: "name too long", change: func(m *tarball.Metadata) { m.Name = strings.Repeat("a", 256) },
			want: []FieldError{fe("should be at most 255 character(s)", "name")}},

		{name: "version invalid", change: func(m *tarball.Metadata) { m.Version = "1.0" },
			want: []FieldError{fe("is invalid SemVer", "version")}},
		{name: "version blank", change: func(m *tarball.Metadata) { m.Version = "" },
			want: []FieldError{fe("is invalid SemVer", "version")}},
		{name: "version build", change: func(m *tarball.Metadata) { m.Version = "1.0.0+build.1" },
			want: []FieldError{fe("build number not allowed", "version")}},
		{name: "version long pre-release", change: func(m *tarball.Metadata) { m.Version = "1.0.0-" + strings.Repeat("a", 65) },
			want: []FieldError{fe("prerelease must be at most 64 characters", "version")}},
		{name: "version long pre-release and build", change: func(m *tarball.Metadata) { m.Version = "1.0.0-" + strings.Repeat("a", 65) + "+b" },
			want: []FieldError{fe("build number not allowed", "version")}},

		{name: "description blank", change: func(m *tarball.Metadata) { m.Description = " \n" },
			want: []FieldError{fe("can't be blank", "meta", "description")}},
		{name: "description long", change: func(m *tarball.Metadata) { m.Description = strings.Repeat("é", 10_000) }},

		{name: "licenses absent", change: func(m *tarball.Metadata) { m.Licenses = nil },
			want: []FieldError{fe("can't be blank", "meta", "licenses")}},
		{name: "licenses invalid", change: func(m *tarball.Metadata) {
			m.Licenses = []string{"MIT", "mit", "MIT OR Apache-2.0", "LicenseRef-", "a\x00"}
		}, want: []FieldError{
			fe(`invalid license "mit"`, "meta", "licenses"),
			fe(`invalid license "MIT OR Apache-2.0"`, "meta", "licenses"),
			fe(`invalid license "LicenseRef-"`, "meta", "licenses"),
			fe(`invalid license <<97, 0>>`, "meta", "licenses"),
		}},

		{name: "links invalid, in name order", change: func(m *tarball.Metadata) {
			m.Links = []tarball.Link{
				{Name: "Zed", URL: "ftp://example.com"},
				{Name: "Docs", URL: "https://hexdocs.pm/my_pkg"},
				{Name: "Abc", URL: "example.com/\"x\""},
			}
		}, want: []FieldError{
			fe(`invalid link "example.com/\"x\""`, "meta", "links"),
			fe(`invalid link "ftp://example.com"`, "meta", "links"),
		}},
		{name: "links: a later link of the same name wins", change: func(m *tarball.Metadata) {
			m.Links = []tarball.Link{{Name: "Home", URL: "nope"}, {Name: "Home", URL: "https://example.com"}}
		}},

		{name: "app blank", change: func(m *tarball.Metadata) { m.App = "" },
			want: []FieldError{fe("can't be blank", "meta", "app")}},
		{name: "app format", change: func(m *tarball.Metadata) { m.App = "../evil" },
			want: []FieldError{fe("has invalid format", "meta", "app")}},

		{name: "build tools absent", change: func(m *tarball.Metadata) { m.BuildTools = nil },
			want: []FieldError{fe("can't be blank", "meta", "build_tools")}},
		{name: "build tools empty", change: func(m *tarball.Metadata) { m.BuildTools = []string{} },
			want: []FieldError{fe("can't be blank", "meta", "build_tools")}},

		{name: "files absent", change: func(m *tarball.Metadata) { m.Files = nil },
			want: []FieldError{fe("can't be blank", "meta", "files")}},
		{name: "files empty", change: func(m *tarball.Metadata) { m.Files = []string{} },
			want: []FieldError{fe("package can't be empty", "meta", "files")}},

		{name: "elixir invalid", change: func(m *tarball.Metadata) { m.Elixir = ">= 1.14" },
			want: []FieldError{fe(`invalid requirement: ">= 1.14"`, "meta", "elixir")}},
		{name: "elixir !=", change: func(m *tarball.Metadata) { m.Elixir = "!= 1.14.0" },
			want: []FieldError{fe(`invalid requirement: "!= 1.14.0", != is not allowed in requirements`, "meta", "elixir")}},
		{name: "elixir blank is absent", change: func(m *tarball.Metadata) { m.Elixir = "  " }},

		{name: "requirement invalid", change: func(m *tarball.Metadata) { m.Requirements[1].Requirement = "~> 1" },
			want: []FieldError{fe(`invalid requirement: "~> 1"`, "requirements", "plug")}},
		{name: "requirement !=", change: func(m *tarball.Metadata) { m.Requirements[1].Requirement = "~> 1.0 and != 1.2.0" },
			want: []FieldError{fe(`invalid requirement: "~> 1.0 and != 1.2.0", != is not allowed in requirements`, "requirements", "plug")}},
		{name: "requirement blank", change: func(m *tarball.Metadata) { m.Requirements[0].Requirement = "" },
			want: []FieldError{fe("can't be blank", "requirements", "jason")}},
		{name: "requirement name blank", change: func(m *tarball.Metadata) { m.Requirements[0].Name = "" },
			want: []FieldError{fe("can't be blank", "requirements", "")}},
		{name: "requirement name format", change: func(m *tarball.Metadata) { m.Requirements[0].Name = "Jason" },
			want: []FieldError{fe("has invalid format", "requirements", "Jason")}},
		{name: "requirement app format", change: func(m *tarball.Metadata) { m.Requirements[1].App = "Plug" },
			want: []FieldError{fe("has invalid format", "requirements", "plug")}},
		{name: "requirement twice", change: func(m *tarball.Metadata) {
			m.Requirements = append(m.Requirements, tarball.Requirement{Name: "plug", Requirement: "~> 2.0"})
		}, want: []FieldError{fe("is required more than once", "requirements", "plug")}},
		{name: "requirement invalid with a bad app: the requirement first", change: func(m *tarball.Metadata) {
			m.Requirements[1].Requirement, m.Requirements[1].App = "1.0", "Plug"
		}, want: []FieldError{
			fe(`invalid requirement: "1.0"`, "requirements", "plug"),
			fe("has invalid format", "requirements", "plug"),
		}},

		{name: "everything at once, in hex.pm's order", change: func(m *tarball.Metadata) {
			*m = tarball.Metadata{
				Name:         "X",
				Version:      "one",
				Licenses:     []string{"Public Domain"},
				Links:        []tarball.Link{{Name: "Home", URL: "example.com"}},
				Elixir:       "1.14",
				Requirements: []tarball.Requirement{{Name: "plug", Requirement: "~>1"}},
			}
		}, want: []FieldError{
			fe("should be at least 2 character(s)", "name"),
			fe("is invalid SemVer", "version"),
			fe("can't be blank", "meta", "description"),
			fe(`invalid license "Public Domain"`, "meta", "licenses"),
			fe(`invalid link "example.com"`, "meta", "links"),
			fe("can't be blank", "meta", "app"),
			fe("can't be blank", "meta", "build_tools"),
			fe("can't be blank", "meta", "files"),
			fe(`invalid requirement: "1.14"`, "meta", "elixir"),
			fe(`invalid requirement: "~>1"`, "requirements", "plug"),
		}},

		{name: "hostile strings", change: func(m *tarball.Metadata) {
			m.Name = "my_pkg\x00"
			m.Version = "1.0.0\u202e"
			m.Licenses = []string{strings.Repeat("é", 5000)}
			m.Requirements[0].Requirement = "~> 1.0\u00a0"
		}, want: []FieldError{
			fe("has invalid format", "name"),
			fe("is invalid SemVer", "version"),
			fe(`invalid license "`+strings.Repeat("é", 4096)+`" <> ...`, "meta", "licenses"),
			fe(`invalid requirement: "~> 1.0\u00A0"`, "requirements", "jason"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMetadata()
			tt.change(&m)
			got := Validate(m)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Validate:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestValidateDecodedMetadata runs Validate on metadata.config as mix
// writes it, decoded by package tarball, including the difference between
// an absent list and an empty one.
func TestValidateDecodedMetadata(t *testing.T) {
	const config = `{<<"app">>,<<"my_pkg">>}.
{<<"build_tools">>,[<<"mix">>]}.
{<<"description">>,<<"Does one thing well.">>}.
{<<"elixir">>,<<"~> 1.14">>}.
{<<"files">>,[<<"lib">>,<<"lib/my_pkg.ex">>,<<"mix.exs">>]}.
{<<"links">>,[{<<"GitHub">>,<<"https://github.com/me/my_pkg">>}]}.
{<<"name">>,<<"my_pkg">>}.
{<<"requirements">>,
 [{<<"plug">>,
   [{<<"app">>,<<"plug">>},
    {<<"optional">>,false},
    {<<"repository">>,<<"hexpm">>},
    {<<"requirement">>,<<"~> 1.0">>}]}]}.
{<<"version">>,<<"1.0.0">>}.
`
	for _, tt := range []struct {
		licenses string
		want     []FieldError
	}{
		{licenses: `{<<"licenses">>,[<<"MIT">>]}.` + "\n"},
		{licenses: `{<<"licenses">>,[]}.` + "\n"},
		{licenses: "", want: []FieldError{fe("can't be blank", "meta", "licenses")}},
	} {
		m, err := tarball.DecodeMetadata([]byte(config + tt.licenses))
		if err != nil {
			t.Fatal(err)
		}
		if got := Validate(m); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("with %q: Validate = %q, want %q", tt.licenses, got, tt.want)
		}
	}
}

func TestFieldErrorString(t *testing.T) {
	if got := fe(`invalid license "x"`, "meta", "licenses").Error(); got != `meta.licenses: invalid license "x"` {
		t.Errorf("Error() = %q", got)
	}
}
