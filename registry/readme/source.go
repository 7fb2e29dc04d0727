package readme

import (
	"net/url"
	"strings"
)

// Source is where a README's relative links and images point: the
// package's source repository on a forge whose URL layout is known.
// The zero Source means none is known, and relative URLs are removed.
type Source struct {
	Links  string // base for relative links, ending in "/"
	Images string // base for relative images (raw file URLs), ending in "/"
}

// SourceOf finds the package's source repository among its link URLs,
// in the order given: the first link to a repository on github.com or
// gitlab.com (over https) wins. The README is taken to be at the
// repository's root on its default branch (HEAD).
func SourceOf(links []string) Source {
	for _, l := range links {
		u, err := url.Parse(strings.TrimSpace(l))
		if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" {
			continue
		}
		path := strings.Trim(u.Path, "/")
		switch strings.ToLower(u.Hostname()) {
		case "github.com", "www.github.com":
			parts := strings.Split(path, "/")
			if len(parts) < 2 || !cleanSegment(parts[0]) || !cleanSegment(parts[1]) {
				continue
			}
			owner, repo := parts[0], strings.TrimSuffix(parts[1], ".git")
			return Source{
				Links:  "https://github.com/" + owner + "/" + repo + "/blob/HEAD/",
				Images: "https://raw.githubusercontent.com/" + owner + "/" + repo + "/HEAD/",
			}
		case "gitlab.com", "www.gitlab.com":
			if i := strings.Index(path, "/-/"); i >= 0 {
				path = path[:i]
			}
			path = strings.TrimSuffix(path, ".git")
			parts := strings.Split(path, "/")
			if len(parts) < 2 {
				continue
			}
			ok := true
			for _, p := range parts {
				ok = ok && cleanSegment(p)
			}
			if !ok {
				continue
			}
			return Source{
				Links:  "https://gitlab.com/" + path + "/-/blob/HEAD/",
				Images: "https://gitlab.com/" + path + "/-/raw/HEAD/",
			}
		}
	}
	return Source{}
}

// cleanSegment reports whether s can be a forge owner or repository name:
// letters, digits, '-', '_' and '.', not "." or "..".
func cleanSegment(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
