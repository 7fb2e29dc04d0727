package publish

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/hexship/ship/tarball"
)

func TestManifestDecodeProblems(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		want     Problem // File is filled in by the test
	}{
		{
			name:     "unknown key suggests the nearest",
			manifest: manifestText(nil, "licences = [\"MIT\"]\n"),
			want:     Problem{Line: 5, Column: 1, Key: "licences", Msg: "unknown key", Fix: `did you mean "licenses"?`},
		},
		{
			name:     "unknown requirement key",
			manifest: manifestText(nil, "[requirements.plug]\nrequirment = \"~> 1.0\"\n"),
			want:     Problem{Line: 6, Column: 1, Key: "requirements.plug.requirment", Msg: "unknown key", Fix: `did you mean "requirement"?`},
		},
		{
			name:     "key from mix",
			manifest: manifestText(nil, "[deps.plug]\nrequirement = \"~> 1.0\"\n"),
			want:     Problem{Line: 5, Column: 2, Key: "deps", Msg: "unknown key", Fix: `did you mean "requirements"?`},
		},
		{
			name:     "unknown key with no near match",
			manifest: manifestText(nil, "homepage_url = \"https://example.com\"\n"),
			want: Problem{Line: 5, Column: 1, Key: "homepage_url", Msg: "unknown key",
				Fix: "remove it; the keys here are name, version, app, description, licenses, links, files, build_tools, elixir, requirements"},
		},
		{
			name:     "syntax error",
			manifest: "name = \"my_pkg\"\nversion = \"1.0.0\ndescription = \"x\"\n",
			want:     Problem{Line: 2, Column: 17, Msg: "basic strings cannot have new lines", Fix: "correct the TOML syntax (https://toml.io)"},
		},
		{
			name:     "bare word value",
			manifest: "name = my_pkg\n",
			want:     Problem{Line: 1, Column: 8, Msg: "unexpected character U+006D 'm' at start of value", Fix: "correct the TOML syntax (https://toml.io)"},
		},
		{
			name:     "string for list",
			manifest: manifestText(map[string]string{"licenses": `"MIT"`}, ""),
			want:     Problem{Line: 2, Column: 12, Key: "licenses", Msg: "must be a list of strings", Fix: `write it like licenses = ["..."]`},
		},
		{
			name:     "string for requirement table",
			manifest: manifestText(nil, "[requirements]\nplug = \"~> 1.0\"\n"),
			want: Problem{Line: 6, Column: 8, Key: "requirements.plug", Msg: "must be a table",
				Fix: `write it like [requirements.plug] then requirement = "~> 1.0"`},
		},
		{
			name:     "string for optional",
			manifest: manifestText(nil, "[requirements.plug]\nrequirement = \"~> 1.0\"\noptional = \"yes\"\n"),
			want:     Problem{Line: 7, Column: 12, Key: "requirements.plug.optional", Msg: "must be true or false", Fix: "write it like optional = true"},
		},
		{
			name:     "key set twice",
			manifest: manifestText(nil, "name = \"other\"\n"),
			want:     Problem{Line: 5, Column: 1, Key: "name", Msg: "is set twice", Fix: "keep one of the two"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newPackage(t, tt.manifest, map[string]string{"lib/a.ex": ""})
			t.Chdir(dir)
			problems := loadProblems(t, ".")
			tt.want.File = ManifestName
			for _, p := range problems {
				if p == tt.want {
					return
				}
			}
			t.Fatalf("want problem %q; got:\n%s", tt.want, (&ManifestError{problems}).Error())
		})
	}
}

func TestSyntaxErrorShowsPosition(t *testing.T) {
	dir := newPackage(t, "name = \"my_pkg\"\n\n[links\n", nil)
	t.Chdir(dir)
	_, err := Load(".")
	if err == nil || !strings.HasPrefix(err.Error(), "ship.toml:3:") {
		t.Fatalf("Load: %v; want an error starting with ship.toml:3:", err)
	}
}

func TestMissingManifest(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load: %v; want an error wrapping fs.ErrNotExist", err)
	}
	for _, want := range []string{ManifestName, "create it", `name = "my_package"`, `licenses = [`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestMetadata(t *testing.T) {
	manifest := manifestText(map[string]string{
		"description": `"  Does things.  "`,
		"licenses":    `["MIT", "Apache-2.0"]`,
		"elixir":      `"~> 1.15"`,
	}, `
[links]
Zulip = "https://example.com/chat"
GitHub = "https://github.com/me/my_pkg"
Changelog = "https://example.com/changes"

[requirements.plug]
requirement = "~> 1.14"

[requirements.jason]
requirement = ">= 1.0.0 and < 2.0.0"
optional = true
app = "jason_app"
repository = "my_org"
`)
	dir := newPackage(t, manifest, map[string]string{"lib/my_pkg.ex": "", "mix.exs": ""})
	got := mustLoad(t, dir).Metadata
	want := tarball.Metadata{
		Name:        "my_pkg",
		Version:     "1.0.0",
		App:         "my_pkg",
		Description: "Does things.",
		Licenses:    []string{"MIT", "Apache-2.0"},
		Links: []tarball.Link{
			{Name: "Changelog", URL: "https://example.com/changes"},
			{Name: "GitHub", URL: "https://github.com/me/my_pkg"},
			{Name: "Zulip", URL: "https://example.com/chat"},
		},
		Files:      []string{"lib", "lib/my_pkg.ex", "mix.exs"},
		BuildTools: []string{"mix"},
		Elixir:     "~> 1.15",
		Requirements: []tarball.Requirement{
			{Name: "jason", App: "jason_app", Requirement: ">= 1.0.0 and < 2.0.0", Optional: true, Repository: "my_org"},
			{Name: "plug", App: "plug", Requirement: "~> 1.14"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Metadata =\n%+v\nwant\n%+v", got, want)
	}
}

func TestExplicitAppAndBuildTools(t *testing.T) {
	manifest := manifestText(map[string]string{"app": `"other_app"`, "build_tools": `["make"]`}, "")
	dir := newPackage(t, manifest, map[string]string{"lib/a.ex": "", "mix.exs": ""})
	meta := mustLoad(t, dir).Metadata
	if meta.App != "other_app" || !reflect.DeepEqual(meta.BuildTools, []string{"make"}) {
		t.Fatalf("App, BuildTools = %q, %q; want other_app, [make]", meta.App, meta.BuildTools)
	}
}

func TestManifestKeysFollowStructTags(t *testing.T) {
	want := []string{"name", "version", "app", "description", "licenses", "links", "files", "build_tools", "elixir", "requirements"}
	if !reflect.DeepEqual(manifestKeys, want) {
		t.Fatalf("manifestKeys = %q, want %q", manifestKeys, want)
	}
}
