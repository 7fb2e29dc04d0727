package hexmeta

import (
	"strings"
	"testing"
)

// TestCheckLink follows Elixir's URI.parse, which hex.pm checks links
// with, including where it is looser than a browser.
func TestCheckLink(t *testing.T) {
	valid := []string{
		"https://github.com/me/my_pkg",
		"http://example.com",
		"HTTPS://EXAMPLE.COM/", // schemes are compared in lowercase
		"https://user:pass@example.com:8080/path?q=1#frag",
		"https://[::1]:4000/",
		"https://",             // hex.pm counts the empty host of "//" as a host
		"https:///path",        // likewise
		"https://exa mple.com", // URI.parse does not check the host's characters
		"https://example.com/\x00",
		"https://例え.jp/",
		"https://[::1",
		"https:" + strings.Repeat("/", 1000), // "//" and an empty host, then a path
	}
	for _, l := range valid {
		if err := CheckLink(l); err != nil {
			t.Errorf("CheckLink(%q) = %v, want nil", l, err)
		}
	}
	invalid := []struct{ link, want string }{
		{"", "not an http or https URL"},
		{"github.com/me/my_pkg", "not an http or https URL"},
		{"ftp://example.com/", "not an http or https URL"},
		{"javascript:alert(1)", "not an http or https URL"},
		{"mailto:me@example.com", "not an http or https URL"},
		{" https://example.com", "not an http or https URL"},
		{"https:example.com", "has no host"},
		{"https:/example.com", "has no host"},
		{"https://@", "has no host"},
		{"https://user@:80/", "has no host"},
		{"https://:80", "has no host"},
		{"https://" + strings.Repeat(":", 1000), "has no host"},
	}
	for _, tt := range invalid {
		err := CheckLink(tt.link)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckLink(%q) = %v; want an error saying %q", tt.link, err, tt.want)
		}
	}
}
