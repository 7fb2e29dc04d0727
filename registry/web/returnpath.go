package web

import (
	"net/url"
	"strings"
)

// maxReturn bounds a return path; a device page's is under 60 bytes.
const maxReturn = 2048

// safeReturn returns s when it is a path on this site to send the browser
// back to after signing in, and "" otherwise. Only a path that starts with
// one "/" qualifies: "//host" and "/\host" are read by browsers as another
// host, and a scheme ("https:", "javascript:") as another site or a script.
// Backslashes and control characters are refused anywhere, since browsers
// turn the former into slashes and drop the latter before parsing.
func safeReturn(s string) string {
	if len(s) == 0 || len(s) > maxReturn || s[0] != '/' {
		return ""
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return s
}

// orDashboard is ret, or the dashboard when there is nowhere to return to.
func orDashboard(ret string) string {
	if ret == "" {
		return "/dashboard"
	}
	return ret
}

// withReturn appends ?return=ret to a local path when ret is set.
func withReturn(path, ret string) string {
	if ret == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "return=" + queryEscape(ret)
}

// queryEscape escapes a value for a query string.
func queryEscape(s string) string { return url.QueryEscape(s) }
