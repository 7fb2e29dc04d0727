package readme

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
)

// markdown renders GitHub-flavoured Markdown (tables, strikethrough,
// autolinks, task lists) with heading ids. Raw HTML is passed through
// here and made safe by policy afterwards.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// policy is bluemonday's policy for user-generated content, which drops
// script, style, iframe, form and every event handler attribute and allows
// only http, https and mailto URLs, plus the disabled checkboxes task lists
// are drawn with and the language class of code blocks. Links get rel="nofollow".
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+-]+$`)).OnElements("code")
	p.RequireNoFollowOnLinks(true)
	return p
}()

// Render returns f as sanitised HTML. Markdown is rendered; text is shown
// preformatted. Relative URLs are made absolute against src, or removed
// when src is the zero Source; in-page links (#name) are kept and, like
// heading ids, prefixed with "readme-" so that they cannot collide with
// the ids of the page around them. Invalid UTF-8 is replaced.
func Render(f *File, src Source) template.HTML {
	text := strings.ToValidUTF8(string(f.Source), "\uFFFD")
	var out bytes.Buffer
	if f.Format == Text {
		out.WriteString(`<pre class="readme-text">`)
		template.HTMLEscape(&out, []byte(text))
		out.WriteString("</pre>")
		return template.HTML(out.String())
	}
	if err := markdown.Convert([]byte(text), &out); err != nil {
		// goldmark fails only when writing to out fails, which a
		// bytes.Buffer does not; show the text rather than nothing.
		out.Reset()
		out.WriteString(`<pre class="readme-text">`)
		template.HTMLEscape(&out, []byte(text))
		out.WriteString("</pre>")
		return template.HTML(out.String())
	}
	clean := policy.SanitizeBytes(out.Bytes())
	return template.HTML(fixURLs(clean, src))
}
