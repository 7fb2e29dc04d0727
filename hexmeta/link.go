package hexmeta

import (
	"fmt"
	"regexp"
	"strings"
)

// uriPattern is RFC 3986's regular expression for splitting a URI
// (appendix B), as Elixir's URI.parse uses it: 2 is the scheme, 3 the
// authority with its "//".
var uriPattern = regexp.MustCompile(`(?i)^(([a-z][a-z0-9+\-.]*):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?`)

// authorityPattern splits an authority as Elixir's URI.parse does: 3 is
// the host, bracketed for IPv6.
var authorityPattern = regexp.MustCompile(`(^(.*)@)?(\[[a-zA-Z0-9:.]*\]|[^:]*)(:(\d*))?`)

// CheckLink checks a package link as hex.pm does: Elixir's URI.parse must
// find an http or https scheme (in any case) and a host. hex.pm takes an
// empty host for one, so "https:///path" passes; clients that want more
// check more.
func CheckLink(link string) error {
	scheme, hasHost := parseURI(link)
	if scheme != "http" && scheme != "https" {
		return fmt.Errorf("%s is not an http or https URL", quote(link))
	}
	if !hasHost {
		return fmt.Errorf("%s has no host", quote(link))
	}
	return nil
}

// parseURI returns the lowercased scheme of s as Elixir's URI.parse finds
// it, and whether Elixir's host is a string (rather than nil).
func parseURI(s string) (scheme string, hasHost bool) {
	m := uriPattern.FindStringSubmatch(s) // always matches: every part is optional
	scheme = strings.ToLower(m[2])
	switch authority := m[3]; authority {
	case "":
		return scheme, false
	case "//":
		return scheme, true // Elixir's host is "" here, which counts as one
	default:
		return scheme, authorityPattern.FindStringSubmatch(authority[2:])[3] != ""
	}
}
