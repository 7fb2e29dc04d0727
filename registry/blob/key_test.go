package blob

import (
	"errors"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidKeyReasons(t *testing.T) {
	tests := []struct {
		key  string
		want string // the reason in the error; empty when the key is valid
	}{
		{key: "tarballs/plug-1.0.0.tar"},
		{key: "docs/plug-1.0.0-rc.1+build.tar.gz"},
		{key: "", want: "is empty"},
		{key: "/abs", want: `starts with "/"`},
		{key: "a//b", want: "empty segment"},
		{key: "a/", want: "empty segment"},
		{key: "../x", want: `a ".." segment`},
		{key: "a/./b", want: `a "." segment`},
		{key: "a\x00b", want: `has '\x00'`},
		{key: `a\b`, want: `has '\\'`},
		{key: "caf\u00e9", want: "has 'é'"},
		{key: "a\xffb", want: "has byte 0xFF"},
		{key: strings.Repeat("a", 513), want: "longer than 512 bytes"},
		{key: strings.Repeat("a", 256), want: "segment longer than 255 bytes"},
	}
	for _, tt := range tests {
		err := ValidKey(tt.key)
		if tt.want == "" {
			if err != nil {
				t.Errorf("ValidKey(%q) = %v, want nil", tt.key, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ValidKey(%q) = %v, want ErrInvalidKey saying %q", tt.key, err, tt.want)
		}
	}
}

func TestErrorsQuoteLongKeysShort(t *testing.T) {
	key := strings.Repeat("é", 10_000)
	err := ValidKey(key)
	if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), `é"...`) {
		t.Fatalf("ValidKey error for a 20,000-byte key is %d bytes long: %.300s", len(err.Error()), err)
	}
	if nf := NotFound("tarballs/x.tar"); !errors.Is(nf, ErrNotFound) || !strings.Contains(nf.Error(), `"tarballs/x.tar"`) {
		t.Fatalf("NotFound = %v, want ErrNotFound naming the key", nf)
	}
}

// FuzzValidKey checks that every key ValidKey accepts stays inside the
// directory it is joined to, whatever the platform's path rules.
func FuzzValidKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, key string) {
		err := ValidKey(key)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("ValidKey(%q) = %v, not ErrInvalidKey", key, err)
			}
			return
		}
		if path.Clean(key) != key || !filepath.IsLocal(key) || len(key) > MaxKeyLength || strings.ContainsAny(key, "\\\x00~") {
			t.Fatalf("ValidKey accepted %q", key)
		}
	})
}
