package tarball

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestFSFilesFromADirectory(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"src/foo.erl": "-module(foo).", "README.md": "# foo"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "priv", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("foo.erl", filepath.Join(dir, "src", "link.erl")); err != nil {
		t.Fatal(err)
	}

	files, err := FSFiles(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := build(t, testMetadata(), files)
	pkg, contents := readWithContents(t, data)
	var names []string
	for _, f := range pkg.Files {
		names = append(names, f.Name)
		if f.Name == "src/link.erl" && (f.Mode&fs.ModeSymlink == 0 || f.Linkname != "foo.erl") {
			t.Errorf("link entry %+v", f)
		}
	}
	// priv is not empty, so only priv/empty has an entry.
	if want := []string{"README.md", "priv/empty", "src/foo.erl", "src/link.erl"}; !reflect.DeepEqual(names, want) {
		t.Errorf("entries %v, want %v", names, want)
	}
	if contents["src/foo.erl"] != "-module(foo)." {
		t.Errorf("contents %q", contents)
	}
}
