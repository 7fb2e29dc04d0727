package tarball

import (
	"path"
	"strings"
)

// safeRelativePath reports whether name is a relative, slash-separated path
// that stays inside the package when unpacked: not absolute, no drive
// letter, no backslash, no NUL, and no ".." that climbs above the root.
func safeRelativePath(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\\x00") || hasDriveLetter(name) {
		return false
	}
	if strings.HasPrefix(name, "/") {
		return false
	}
	clean := path.Clean(name)
	return clean != "." && clean != ".." && !strings.HasPrefix(clean, "../")
}

// safeSymlink reports whether the link at name, pointing at target, resolves
// to a path inside the package.
func safeSymlink(name, target string) bool {
	if target == "" || strings.HasPrefix(target, "/") || hasDriveLetter(target) || strings.ContainsAny(target, "\\\x00") {
		return false
	}
	resolved := path.Join(path.Dir(name), target)
	return resolved != ".." && !strings.HasPrefix(resolved, "../")
}

func hasDriveLetter(p string) bool {
	return len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}
