package shipconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalizeRegistry(t *testing.T) {
	for in, want := range map[string]string{
		"https://hex.pm":                  "https://hex.pm/api",
		"https://hex.pm/":                 "https://hex.pm/api",
		"https://hex.pm/api/":             "https://hex.pm/api",
		"http://127.0.0.1:4000":           "http://127.0.0.1:4000/api",
		"http://127.0.0.1:4000/api?x=1#f": "http://127.0.0.1:4000/api",
		"https://example.com/hex/api":     "https://example.com/hex/api",
		" https://registry.example.com/ ": "https://registry.example.com/api",
	} {
		got, err := NormalizeRegistry(in)
		if err != nil || got != want {
			t.Errorf("NormalizeRegistry(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "hex.pm", "ftp://hex.pm", "https://", "https://user:secret@hex.pm"} {
		if got, err := NormalizeRegistry(bad); err == nil {
			t.Errorf("NormalizeRegistry(%q) = %q, want an error", bad, got)
		}
	}
	if _, err := NormalizeRegistry("https://user:secret@hex.pm"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("a password in the URL is refused without repeating it: %v", err)
	}
}

func TestSaveAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ship")
	c, err := Load(dir)
	if err != nil || *c != (Config{}) {
		t.Fatalf("Load of a missing file: %+v, %v", c, err)
	}
	c = &Config{Registry: "http://127.0.0.1:4000/api", TokenStore: "file"}
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil || *got != *c {
		t.Fatalf("Load after Save: %+v, %v; want %+v", got, err, c)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("config dir mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte("registry = ["), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("a malformed config file loads without error")
	}
}

func TestDirFromEnvironment(t *testing.T) {
	t.Setenv(EnvConfigDir, "/some/where")
	if d, err := Dir(); err != nil || d != "/some/where" {
		t.Errorf("Dir() = %q, %v", d, err)
	}
}
