package readme

import (
	"testing"
	"unicode/utf8"
)

// FuzzRender feeds arbitrary README text through Render, with and without
// a source repository, and checks that the HTML never carries a script,
// an event handler, a style or a URL of another scheme than http, https or
// mailto, and is valid UTF-8. Seeds are under testdata/fuzz/FuzzRender:
// hostile HTML, deep nesting and broken UTF-8.
func FuzzRender(f *testing.F) {
	f.Add([]byte(hostile), false)
	f.Fuzz(func(t *testing.T, src []byte, github bool) {
		if len(src) > MaxSize {
			src = src[:MaxSize]
		}
		var s Source
		if github {
			s = SourceOf([]string{"https://github.com/acme/demo"})
		}
		for _, format := range []Format{Markdown, Text} {
			out := string(Render(&File{Name: "README.md", Format: format, Source: src}, s))
			checkSafe(t, out)
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out: %q", out)
			}
		}
	})
}
