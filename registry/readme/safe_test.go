package readme

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

// unsafeParts tokenizes out as a browser's HTML parser does (the
// tokenizer, not the tree builder, decides what is a tag or an attribute)
// and lists what could run script, load a frame or restyle the page:
// script, style, iframe and similar elements, on* attributes, style
// attributes, and URLs whose scheme is not http, https or mailto.
func unsafeParts(out string) []string {
	var bad []string
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return bad
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "style", "iframe", "frame", "object", "embed", "form", "base", "link", "meta", "svg", "math", "textarea", "select", "noscript", "template":
			bad = append(bad, "element "+tok.Data)
		}
		for _, a := range tok.Attr {
			k := strings.ToLower(a.Key)
			if strings.HasPrefix(k, "on") || k == "style" || k == "srcdoc" || k == "formaction" {
				bad = append(bad, "attribute "+k+"="+a.Val)
			}
			if k == "href" || k == "src" || k == "cite" || k == "longdesc" || k == "action" || k == "poster" || k == "background" {
				u, err := url.Parse(strings.TrimSpace(a.Val))
				if err != nil {
					bad = append(bad, "bad URL "+a.Val)
					continue
				}
				switch strings.ToLower(u.Scheme) {
				case "http", "https", "mailto":
				case "":
					if !strings.HasPrefix(a.Val, "#") {
						bad = append(bad, "relative URL "+a.Val)
					}
				default:
					bad = append(bad, "URL "+a.Val)
				}
			}
		}
	}
}
