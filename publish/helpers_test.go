package publish

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// baseManifest is a ship.toml hex.pm accepts.
var baseManifest = map[string]string{
	"name":        `"my_pkg"`,
	"version":     `"1.0.0"`,
	"description": `"A package."`,
	"licenses":    `["MIT"]`,
}

// manifestText writes baseManifest with the keys in set replaced (an empty
// value removes the key), then tables.
func manifestText(set map[string]string, tables string) string {
	keys := maps.Clone(baseManifest)
	maps.Copy(keys, set)
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if keys[k] != "" {
			b.WriteString(k + " = " + keys[k] + "\n")
		}
	}
	b.WriteString(tables)
	return b.String()
}

// writeTree creates files under dir; a name ending in "/" is a directory.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newPackage creates a package directory with manifest as ship.toml and
// the given files.
func newPackage(t *testing.T, manifest string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// symlink creates dir/name pointing at target.
func symlink(t *testing.T, dir, target, name string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// mustLoad loads dir and fails the test on any error.
func mustLoad(t *testing.T, dir string) *Package {
	t.Helper()
	p, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return p
}

// loadProblems loads dir, which must have problems, and returns them.
func loadProblems(t *testing.T, dir string) []Problem {
	t.Helper()
	_, err := Load(dir)
	var me *ManifestError
	if !errors.As(err, &me) {
		t.Fatalf("Load: got %v, want a *ManifestError", err)
	}
	return me.Problems
}

// findProblem returns the problem with key whose Msg or Fix contains text.
func findProblem(problems []Problem, key, text string) (Problem, bool) {
	for _, p := range problems {
		if p.Key == key && strings.Contains(p.Msg+"; "+p.Fix, text) {
			return p, true
		}
	}
	return Problem{}, false
}

// fileNames lists the names of p's files.
func fileNames(p *Package) []string {
	names := make([]string, len(p.Files))
	for i, f := range p.Files {
		names[i] = f.Name
	}
	return names
}
