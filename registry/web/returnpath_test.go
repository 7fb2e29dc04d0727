package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeReturnKeepsOnlyLocalPaths(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/dashboard":                    "/dashboard",
		"/oauth/device?user_code=AB-CD": "/oauth/device?user_code=AB-CD",
		"/":                             "/",
		"":                              "",
		"dashboard":                     "",
		"//evil.example":                "",
		"/\\evil.example":               "",
		"/a\\b":                         "",
		"https://evil.example/":         "",
		"javascript:alert(1)":           "",
		"/\tx":                          "",
		"/%0d%0aSet-Cookie:x":           "/%0d%0aSet-Cookie:x", // escaped: stays text in the path
		"/" + strings.Repeat("a", 2048): "",
		"\x00/":                         "",
	} {
		if got := safeReturn(in); got != want {
			t.Errorf("safeReturn(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeReturn checks that whatever comes back is a path a browser
// resolves on this site.
func FuzzSafeReturn(f *testing.F) {
	for _, s := range []string{"/dashboard", "//x", "/\\x", "/a?b=//c", "/%2f%2fx", "http://x/", "/\x7f"} {
		f.Add(s)
	}
	base, err := url.Parse("https://registry.example/login")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeReturn(s)
		if got == "" {
			return
		}
		if got != s {
			t.Fatalf("safeReturn(%q) = %q: changed rather than kept or refused", s, got)
		}
		if got[0] != '/' || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n\t") {
			t.Fatalf("safeReturn(%q) kept a path browsers may read as another host", s)
		}
		ref, err := url.Parse(got)
		if err != nil {
			t.Fatalf("safeReturn(%q) kept an unparsable path: %v", s, err)
		}
		if u := base.ResolveReference(ref); u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("safeReturn(%q) resolves to %s", s, u)
		}
	})
}
