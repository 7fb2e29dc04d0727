package publish

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"syscall"
	"testing"
)

// projectFiles is a typical Elixir project, with things that must not be
// packaged by default.
var projectFiles = map[string]string{
	"mix.exs":                "defmodule MyPkg.MixProject do\nend\n",
	".formatter.exs":         "[]\n",
	"README.md":              "# MyPkg\n",
	"LICENSE":                "MIT\n",
	"CHANGELOG.md":           "## 1.0.0\n",
	"lib/my_pkg.ex":          "defmodule MyPkg do\nend\n",
	"lib/my_pkg/a.ex":        "defmodule MyPkg.A do\nend\n",
	"lib/my_pkg/.keep":       "",
	"priv/static/app.js":     "",
	"test/my_pkg_test.ex":    "",
	"mix.lock":               "%{}\n",
	".env":                   "SECRET=1\n",
	"_build/dev/lib/x.beam":  "",
	"deps/plug/mix.exs":      "",
	".git/HEAD":              "ref: refs/heads/main\n",
	"lib/.DS_Store":          "",
	"priv/node_modules/x.js": "",
}

func TestDefaultSelection(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), projectFiles)
	p := mustLoad(t, dir)
	wantFiles := []string{
		".formatter.exs", "CHANGELOG.md", "LICENSE", "README.md",
		"lib/my_pkg.ex", "lib/my_pkg/.keep", "lib/my_pkg/a.ex", "mix.exs", "priv/static/app.js",
	}
	if got := fileNames(p); !reflect.DeepEqual(got, wantFiles) {
		t.Errorf("files = %q\nwant %q", got, wantFiles)
	}
	wantNames := []string{
		".formatter.exs", "CHANGELOG.md", "LICENSE", "README.md",
		"lib", "lib/my_pkg", "lib/my_pkg.ex", "lib/my_pkg/.keep", "lib/my_pkg/a.ex", "mix.exs",
		"priv", "priv/static", "priv/static/app.js",
	}
	if got := p.Metadata.Files; !reflect.DeepEqual(got, wantNames) {
		t.Errorf("Metadata.Files = %q\nwant %q", got, wantNames)
	}
}

func TestExplicitPatterns(t *testing.T) {
	tests := []struct {
		name  string
		files string
		want  []string
	}{
		{name: "directory brings its tree", files: `["lib"]`, want: []string{"lib/my_pkg.ex", "lib/my_pkg/.keep", "lib/my_pkg/a.ex"}},
		{name: "normalised paths", files: `["./lib/my_pkg/", "mix.exs"]`, want: []string{"lib/my_pkg/.keep", "lib/my_pkg/a.ex", "mix.exs"}},
		{name: "double star", files: `["lib/**/*.ex"]`, want: []string{"lib/my_pkg.ex", "lib/my_pkg/a.ex"}},
		{name: "star leaves dotfiles out", files: `["*.md", "*"]`, want: []string{
			"CHANGELOG.md", "LICENSE", "README.md",
			"lib/my_pkg.ex", "lib/my_pkg/.keep", "lib/my_pkg/a.ex", // lib matched: its whole tree
			"mix.exs", "mix.lock", "priv/static/app.js", "ship.toml", "test/my_pkg_test.ex",
		}},
		{name: "double star matches the directory too", files: `["lib/**"]`, want: []string{"lib/my_pkg.ex", "lib/my_pkg/.keep", "lib/my_pkg/a.ex"}},
		{name: "spelled-out dotfiles", files: `[".formatter.exs", "lib/**/.keep", ".e*"]`, want: []string{".env", ".formatter.exs", "lib/my_pkg/.keep"}},
		{name: "braces", files: `["{mix.exs,README.md}"]`, want: []string{"README.md", "mix.exs"}},
		{name: "overlapping patterns", files: `["lib", "lib/my_pkg.ex", "lib/**"]`, want: []string{"lib/my_pkg.ex", "lib/my_pkg/.keep", "lib/my_pkg/a.ex"}},
		{name: "skipped directories and dotfiles stay out", files: `["**/*.js", "**/*.exs"]`, want: []string{"mix.exs", "priv/static/app.js"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newPackage(t, manifestText(map[string]string{"files": tt.files}, ""), projectFiles)
			if got := fileNames(mustLoad(t, dir)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("files = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestPatternProblems(t *testing.T) {
	tests := []struct {
		name    string
		files   string
		wantKey string
		want    string
	}{
		{name: "matches nothing", files: `["lib", "./docs/"]`, wantKey: "files[1]", want: `"./docs/" matches nothing`},
		{name: "glob matches nothing", files: `["lib", "src/**/*.erl"]`, wantKey: "files[1]", want: `"src/**/*.erl" matches nothing`},
		{name: "inside a skipped directory", files: `["lib", "deps/plug"]`, wantKey: "files[1]", want: "ship never packages deps"},
		{name: "wildcard cannot reach dotfile", files: `["lib", "*env"]`, wantKey: "files[1]", want: `names that start with "."`},
		{name: "empty", files: `["lib", ""]`, wantKey: "files[1]", want: "is empty"},
		{name: "absolute", files: `["/etc/passwd"]`, wantKey: "files[0]", want: "is absolute"},
		{name: "parent", files: `["lib/../../x"]`, wantKey: "files[0]", want: "reaches outside the package directory"},
		{name: "whole directory", files: `["lib", "."]`, wantKey: "files[1]", want: "dotfiles included"},
		{name: "bad pattern", files: `["lib/[a-"]`, wantKey: "files[0]", want: "not a valid pattern"},
		{name: "empty list", files: `[]`, wantKey: "files", want: "the package would be empty"},
		{name: "nothing selected", files: `["nope"]`, wantKey: "files", want: "the package would be empty"},
		{name: "reserved file", files: `["lib", "hex_metadata.config"]`, wantKey: "files", want: "hex_metadata.config is in the package"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"hex_metadata.config": ""}
			for k, v := range projectFiles {
				files[k] = v
			}
			dir := newPackage(t, manifestText(map[string]string{"files": tt.files}, ""), files)
			problems := loadProblems(t, dir)
			if _, ok := findProblem(problems, tt.wantKey, tt.want); !ok {
				t.Fatalf("no problem with key %q mentioning %q; got:\n%s", tt.wantKey, tt.want, (&ManifestError{problems}).Error())
			}
		})
	}
}

func TestDefaultsMatchingNothing(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), map[string]string{"other/x.ex": ""})
	problems := loadProblems(t, dir)
	if _, ok := findProblem(problems, "files", "none of the default paths exist (lib priv"); !ok {
		t.Fatalf("got:\n%s", (&ManifestError{problems}).Error())
	}
}

func TestSymlinks(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), map[string]string{
		"lib/a.ex":        "a",
		"priv/data/x.txt": "x",
	})
	symlink(t, dir, "a.ex", "lib/b.ex")
	symlink(t, dir, "../priv/data", "lib/data")
	symlink(t, dir, "missing.ex", "lib/dangling.ex") // hex_core keeps these too
	p := mustLoad(t, dir)

	want := map[string]string{"lib/b.ex": "a.ex", "lib/data": "../priv/data", "lib/dangling.ex": "missing.ex"}
	for _, f := range p.Files {
		target, isLink := want[f.Name]
		if f.Mode&fs.ModeSymlink != 0 != isLink {
			t.Errorf("%s: mode %v, want symlink=%v", f.Name, f.Mode, isLink)
		}
		if isLink && (f.Linkname != target || f.Open != nil) {
			t.Errorf("%s: Linkname %q, Open set %v; want %q and no Open", f.Name, f.Linkname, f.Open != nil, target)
		}
		delete(want, f.Name)
	}
	if len(want) > 0 {
		t.Errorf("symlinks missing from the package: %v", want)
	}
	if slices.Contains(p.Metadata.Files, "lib/data/x.txt") {
		t.Errorf("the package followed lib/data: %q", p.Metadata.Files)
	}
}

func TestSymlinksOutsideRefused(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret": "s"})
	tests := []struct {
		name, target string
	}{
		{name: "absolute", target: filepath.Join(outside, "secret")},
		{name: "relative", target: "../../secret"},
		{name: "to the root's parent", target: "../.."},
		{name: "climbing back in", target: "../../" + "pkg/lib/a.ex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newPackage(t, manifestText(nil, ""), map[string]string{"lib/a.ex": ""})
			symlink(t, dir, tt.target, "lib/link")
			problems := loadProblems(t, dir)
			want := "lib/link is a symlink to \"" + tt.target + "\", outside the package"
			if _, ok := findProblem(problems, "files", want); !ok {
				t.Fatalf("no problem mentioning %q; got:\n%s", want, (&ManifestError{problems}).Error())
			}
		})
	}
}

func TestSymlinkedDirectoryIsNotFollowed(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret.ex": "s"})
	dir := newPackage(t, manifestText(map[string]string{"files": `["lib/**/*.ex"]`}, ""), map[string]string{"lib/a.ex": ""})
	symlink(t, dir, outside, "lib/ext")
	p := mustLoad(t, dir) // lib/ext is not selected: ** does not enter it
	if got := fileNames(p); !reflect.DeepEqual(got, []string{"lib/a.ex"}) {
		t.Fatalf("files = %q, want only lib/a.ex", got)
	}
}

func TestPackageDirMayBeASymlink(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), map[string]string{"lib/a.ex": ""})
	link := filepath.Join(t.TempDir(), "pkg")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if got := fileNames(mustLoad(t, link)); !reflect.DeepEqual(got, []string{"lib/a.ex"}) {
		t.Fatalf("files = %q, want [lib/a.ex]", got)
	}
}

func TestSpecialFilesRefused(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), map[string]string{"lib/a.ex": ""})
	if err := syscall.Mkfifo(filepath.Join(dir, "lib", "pipe"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	problems := loadProblems(t, dir)
	if _, ok := findProblem(problems, "files", "lib/pipe is a named pipe (FIFO)"); !ok {
		t.Fatalf("got:\n%s", (&ManifestError{problems}).Error())
	}
}

func TestBackslashInNameRefused(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), map[string]string{`lib/a\b.ex`: ""})
	problems := loadProblems(t, dir)
	if _, ok := findProblem(problems, "files", `lib/a\b.ex has a backslash`); !ok {
		t.Fatalf("got:\n%s", (&ManifestError{problems}).Error())
	}
}

func TestEmptyDirectoryKept(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), map[string]string{
		"lib/a.ex":                 "",
		"priv/empty/":              "",
		"priv/only_junk/":          "",
		"priv/only_junk/.DS_Store": "",
	})
	if err := os.Chmod(filepath.Join(dir, "priv", "empty"), 0o750); err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, dir)
	var dirs []string
	for _, f := range p.Files {
		if f.Mode.IsDir() {
			dirs = append(dirs, f.Name)
			if f.Name == "priv/empty" && f.Mode != fs.ModeDir|0o750 {
				t.Errorf("priv/empty: mode %v, want %v", f.Mode, fs.ModeDir|0o750)
			}
		}
	}
	if want := []string{"priv/empty", "priv/only_junk"}; !reflect.DeepEqual(dirs, want) {
		t.Fatalf("directory entries = %q, want %q (non-empty lib and priv are not entries)", dirs, want)
	}
}

func TestFilesSortedWithModesAndContent(t *testing.T) {
	dir := newPackage(t, manifestText(map[string]string{"files": `["lib", "lib-extra", "bin"]`}, ""), map[string]string{
		"lib/z.ex":       "zz",
		"lib/a.ex":       "a",
		"lib-extra/b.ex": "bbb",
		"bin/run":        "#!/bin/sh\n",
	})
	if err := os.Chmod(filepath.Join(dir, "bin", "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := mustLoad(t, dir)
	// Byte order puts "lib-extra/" before "lib/", unlike a directory walk.
	if want := []string{"bin/run", "lib-extra/b.ex", "lib/a.ex", "lib/z.ex"}; !reflect.DeepEqual(fileNames(p), want) {
		t.Fatalf("files = %q, want %q", fileNames(p), want)
	}
	wantModes := map[string]fs.FileMode{"bin/run": 0o755, "lib/a.ex": 0o644}
	for _, f := range p.Files {
		if m, ok := wantModes[f.Name]; ok && f.Mode != m {
			t.Errorf("%s: mode %v, want %v", f.Name, f.Mode, m)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || int64(len(data)) != f.Size {
			t.Errorf("%s: read %d bytes (%v), Size says %d", f.Name, len(data), err, f.Size)
		}
	}
	if got := p.TotalSize(); got != 2+1+3+10 {
		t.Errorf("TotalSize = %d, want 16", got)
	}
}

func TestBuildToolsGuess(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{name: "mix", files: map[string]string{"mix.exs": "", "lib/a.ex": ""}, want: []string{"mix"}},
		{name: "rebar3", files: map[string]string{"rebar.config": "", "src/a.erl": ""}, want: []string{"rebar3"}},
		{name: "rebar3 script and lock", files: map[string]string{"rebar.config.script": "", "rebar.lock": "", "src/a.erl": ""}, want: []string{"rebar3"}},
		{name: "make", files: map[string]string{"Makefile": "", "src/a.erl": ""}, want: []string{"make"}},
		{name: "all three, in mix's order", files: map[string]string{"Makefile": "", "rebar.config": "", "mix.exs": "", "lib/a.ex": ""},
			want: []string{"mix", "rebar3", "make"}},
		{name: "nested files do not count", files: map[string]string{"lib/rebar.config": "", "src/Makefile": ""}, want: []string{"mix"}},
		{name: "default", files: map[string]string{"lib/a.ex": ""}, want: []string{"mix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newPackage(t, manifestText(nil, ""), tt.files)
			if got := mustLoad(t, dir).Metadata.BuildTools; !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("BuildTools = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestManifestNotPackagedByDefault(t *testing.T) {
	dir := newPackage(t, manifestText(nil, ""), map[string]string{"lib/a.ex": ""})
	if slices.Contains(mustLoad(t, dir).Metadata.Files, ManifestName) {
		t.Fatalf("%s was packaged", ManifestName)
	}
}
