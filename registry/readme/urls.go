package readme

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes that hold a URL in the sanitised HTML.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "longdesc": true}

// idPrefix keeps README ids (and the links to them) apart from the page's.
const idPrefix = "readme-"

// fixURLs rewrites already sanitised HTML: relative URLs are made
// absolute against src or dropped, fragment links and ids get idPrefix,
// and an input that is not a disabled checkbox is dropped. It only ever
// removes attributes and elements or replaces a value with an absolute
// http(s) URL, so what the sanitiser allowed stays allowed.
func fixURLs(sanitised []byte, src Source) string {
	z := html.NewTokenizer(bytes.NewReader(sanitised))
	var out strings.Builder
	out.Grow(len(sanitised) + len(sanitised)/8)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String()
		}
		tok := z.Token()
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			if tok.Data == "input" && !isCheckbox(tok.Attr) {
				continue
			}
			kept := tok.Attr[:0]
			for _, a := range tok.Attr {
				switch {
				case a.Key == "id" || a.Key == "name" && tok.Data == "a":
					a.Val = idPrefix + a.Val
				case urlAttrs[a.Key]:
					v, ok := fixURL(a.Val, tok.Data == "img" && a.Key == "src", a.Key == "href", src)
					if !ok {
						continue
					}
					a.Val = v
				}
				kept = append(kept, a)
			}
			tok.Attr = kept
			if tok.Data == "input" {
				tok.Attr = append(tok.Attr, html.Attribute{Key: "disabled", Val: ""})
			}
		}
		out.WriteString(tok.String())
	}
}

// isCheckbox reports whether attrs make an input a checkbox.
func isCheckbox(attrs []html.Attribute) bool {
	for _, a := range attrs {
		if a.Key == "type" && strings.EqualFold(a.Val, "checkbox") {
			return true
		}
	}
	return false
}

// fixURL returns what a URL attribute's value becomes, and false when the
// attribute is to be dropped. Absolute URLs were checked by the sanitiser
// and are kept; fragment-only hrefs point into the README.
func fixURL(v string, image, href bool, src Source) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return "", false
	}
	if u.Scheme != "" {
		s := strings.ToLower(u.Scheme)
		return u.String(), s == "http" || s == "https" || (s == "mailto" && !image)
	}
	if u.Host != "" { // "//host/path": take it as https
		u.Scheme = "https"
		return u.String(), true
	}
	if u.Path == "" && u.RawQuery == "" {
		if href && u.Fragment != "" {
			return "#" + idPrefix + u.Fragment, true
		}
		return "", false
	}
	base := src.Links
	if image {
		base = src.Images
	}
	if base == "" {
		return "", false
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	u.Path = strings.TrimLeft(u.Path, "/") // "/docs" is the repository's root, not the forge's
	abs := b.ResolveReference(u)
	if abs.Host != b.Host || !strings.HasPrefix(abs.Path, strings.TrimSuffix(b.Path, "/")) {
		return "", false // climbed out of the repository with ".."
	}
	return abs.String(), true
}
