package readme

import (
	"io"
	"strings"

	"github.com/hexship/ship/tarball"
)

// MaxSize is how many bytes of a README are rendered. Longer files are cut
// there, so that one package cannot make its page, or the render cache,
// arbitrarily large.
const MaxSize = 512 << 10

// Format is how a README's text is to be shown.
type Format int

const (
	// Markdown is rendered as GitHub-flavoured Markdown.
	Markdown Format = iota
	// Text is shown as it is, preformatted.
	Text
)

// File is a README found in a package.
type File struct {
	Name      string // its path in the package, e.g. "README.md"
	Format    Format
	Source    []byte // at most MaxSize bytes
	Truncated bool   // the file was longer than MaxSize
}

// candidates are the names looked for at the package root, best first.
// Matching ignores case, since authors spell README every way.
var candidates = []struct {
	name   string
	format Format
}{
	{"readme.md", Markdown},
	{"readme.markdown", Markdown},
	{"readme", Markdown},
	{"readme.txt", Text},
}

// rank is the position of name among candidates, or -1.
func rank(name string) int {
	lower := strings.ToLower(name)
	for i, c := range candidates {
		if lower == c.name {
			return i
		}
	}
	return -1
}

// Find reads an outer package tarball and returns its README, or nil when
// the package has none at its root. Find verifies the tarball as
// tarball.Read does and returns its error when the tarball is not valid.
// When several spellings are present the first of README.md,
// README.markdown, README and README.txt wins; among names that differ
// only in case, the one that is exactly upper-case README wins.
func Find(r io.Reader) (*File, error) {
	var best *File
	bestRank := len(candidates)
	onFile := func(f tarball.FileInfo, fr io.Reader) error {
		rk := rank(f.Name)
		if rk < 0 || rk > bestRank {
			return nil
		}
		if rk == bestRank && !strings.HasPrefix(f.Name, "README") {
			return nil // keep an earlier spelling of the same name
		}
		src, err := io.ReadAll(io.LimitReader(fr, MaxSize+1))
		if err != nil {
			return err
		}
		file := &File{Name: f.Name, Format: candidates[rk].format, Source: src}
		if len(src) > MaxSize {
			file.Source, file.Truncated = src[:MaxSize], true
		}
		best, bestRank = file, rk
		return nil
	}
	if _, err := tarball.Read(r, &tarball.ReadOptions{OnFile: onFile}); err != nil {
		return nil, err
	}
	return best, nil
}
