package registrytest

import (
	"html"
	"strings"
)

// A small HTML reader for the website commands: enough to find forms,
// their fields and the words of shipyard's pages, which html/template
// renders well-formed. It never fails: whatever it cannot make sense of
// becomes text, and an element left open closes at the end.

// node is an element of a parsed page, or a text node (tag "").
type node struct {
	tag      string // lowercase; "" for text, "#root" for the document
	attrs    map[string]string
	text     string // a text node's words, entities decoded
	parent   *node
	children []*node
}

// voidElements never have content or an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// rawElements hold text up to their end tag, markup and all.
var rawElements = map[string]bool{"script": true, "style": true, "textarea": true, "title": true}

// parseHTML reads a page into a tree under a "#root" node.
func parseHTML(src string) *node {
	root := &node{tag: "#root"}
	cur := root
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			cur.addText(src[i:])
			break
		}
		cur.addText(src[i : i+lt])
		i += lt
		rest := src[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest[4:], "-->")
			if end < 0 {
				return root
			}
			i += 4 + end + 3
		case strings.HasPrefix(rest, "</"):
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return root
			}
			name, _ := tagName(rest[2:end])
			i += end + 1
			for n := cur; n != root; n = n.parent {
				if n.tag == name {
					cur = n.parent
					break
				}
			}
		case strings.HasPrefix(rest, "<!"), strings.HasPrefix(rest, "<?"):
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return root
			}
			i += end + 1
		case len(rest) > 1 && isASCIILetter(rest[1]):
			el, size, selfClosing := parseTag(rest)
			i += size
			el.parent = cur
			cur.children = append(cur.children, el)
			switch {
			case voidElements[el.tag], selfClosing:
			case rawElements[el.tag]:
				end := indexFold(src[i:], "</"+el.tag)
				if end < 0 {
					end = len(src) - i
				}
				el.addText(src[i : i+end])
				i += end
				if gt := strings.IndexByte(src[i:], '>'); gt >= 0 {
					i += gt + 1
				} else {
					i = len(src)
				}
			default:
				cur = el
			}
		default:
			cur.addText("<")
			i++
		}
	}
	return root
}

// parseTag reads a start tag at the beginning of s ("<name ...>"): the
// element, how many bytes it took, and whether it ended with "/>".
func parseTag(s string) (el *node, size int, selfClosing bool) {
	name, n := tagName(s[1:])
	el = &node{tag: name, attrs: map[string]string{}}
	i := 1 + n
	for i < len(s) {
		switch c := s[i]; {
		case c == '>':
			return el, i + 1, false
		case c == '/' && i+1 < len(s) && s[i+1] == '>':
			return el, i + 2, true
		case isSpace(c), c == '/', c == '=', c == '"', c == '\'':
			i++ // stray characters between attributes
		default:
			start := i
			for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/' {
				i++
			}
			key := strings.ToLower(s[start:i])
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			value := ""
			if i < len(s) && s[i] == '=' {
				i++
				for i < len(s) && isSpace(s[i]) {
					i++
				}
				if i < len(s) && (s[i] == '"' || s[i] == '\'') {
					q := s[i]
					end := strings.IndexByte(s[i+1:], q)
					if end < 0 {
						end = len(s) - i - 1
					}
					value = s[i+1 : i+1+end]
					i = min(len(s), i+1+end+1)
				} else {
					start := i
					for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
						i++
					}
					value = s[start:i]
				}
			}
			if _, seen := el.attrs[key]; !seen {
				el.attrs[key] = html.UnescapeString(value)
			}
		}
	}
	return el, len(s), false
}

// tagName reads an element's name at the start of s, lowercased, and
// its length.
func tagName(s string) (string, int) {
	n := 0
	for n < len(s) && !isSpace(s[n]) && s[n] != '>' && s[n] != '/' {
		n++
	}
	return strings.ToLower(s[:n]), n
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// indexFold is strings.Index ignoring ASCII case.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func (n *node) addText(s string) {
	if s != "" {
		n.children = append(n.children, &node{text: html.UnescapeString(s), parent: n})
	}
}

// attr is an attribute's value, "" when absent.
func (n *node) attr(name string) string { return n.attrs[name] }

// has reports whether the element carries an attribute (like disabled).
func (n *node) has(name string) bool {
	_, ok := n.attrs[name]
	return ok
}

// hasClass reports whether class is one of the element's classes.
func (n *node) hasClass(class string) bool {
	for _, c := range strings.Fields(n.attr("class")) {
		if c == class {
			return true
		}
	}
	return false
}

// all lists the elements under n (n excluded) that match, in document
// order.
func (n *node) all(match func(*node) bool) []*node {
	var out []*node
	var walk func(*node)
	walk = func(p *node) {
		for _, c := range p.children {
			if c.tag != "" && match(c) {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// first is the first element under n that matches, or nil.
func (n *node) first(match func(*node) bool) *node {
	if found := n.all(match); len(found) > 0 {
		return found[0]
	}
	return nil
}

// byID finds the element with that id.
func (n *node) byID(id string) *node {
	return n.first(func(e *node) bool { return e.attr("id") == id })
}

// byTag finds the first element of that name.
func (n *node) byTag(tag string) *node {
	return n.first(func(e *node) bool { return e.tag == tag })
}

// blockElements start on a line of their own: their text is kept apart
// from the words around it.
var blockElements = map[string]bool{
	"address": true, "article": true, "br": true, "dd": true, "div": true, "dl": true, "dt": true,
	"fieldset": true, "footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "header": true, "legend": true, "li": true, "main": true, "nav": true,
	"ol": true, "p": true, "section": true, "table": true, "td": true, "th": true, "tr": true, "ul": true,
}

// textContent is the element's text with runs of white space made one
// space, as a person reads it.
func (n *node) textContent() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(p *node) {
		if p.tag == "" {
			b.WriteString(p.text)
		}
		if blockElements[p.tag] {
			b.WriteByte(' ')
		}
		for _, c := range p.children {
			walk(c)
		}
		if blockElements[p.tag] {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}
