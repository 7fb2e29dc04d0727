package registrytest

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The website commands read shipyard's pages through golang.org/x/net/html
// (the HTML5 parsing algorithm browsers use) into a small tree with the
// lookups they need: forms, their fields and the words of a page.

// node is an element of a parsed page, or a text node (tag "").
type node struct {
	tag      string // lowercase; "" for text, "#root" for the document
	attrs    map[string]string
	text     string // a text node's words, entities decoded
	parent   *node
	children []*node
}

// bodyContext parses pages as the content of <body>: no implied html,
// head and body elements, just what the page holds.
var bodyContext = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}

// parseHTML reads a page into a tree under a "#root" node. It never
// fails: the HTML5 algorithm makes sense of any input.
func parseHTML(src string) *node {
	root := &node{tag: "#root"}
	nodes, err := html.ParseFragment(strings.NewReader(src), bodyContext)
	if err != nil { // only a failing reader, which a string is not
		root.children = append(root.children, &node{text: src, parent: root})
		return root
	}
	for _, n := range nodes {
		adopt(root, n)
	}
	return root
}

// adopt copies h and its descendants under into, keeping elements and
// text; comments and doctypes are dropped.
func adopt(into *node, h *html.Node) {
	switch h.Type {
	case html.TextNode:
		into.children = append(into.children, &node{text: h.Data, parent: into})
	case html.ElementNode:
		n := &node{tag: strings.ToLower(h.Data), attrs: make(map[string]string, len(h.Attr)), parent: into}
		for _, a := range h.Attr {
			if _, dup := n.attrs[a.Key]; !dup { // the first of a repeated attribute wins, as in browsers
				n.attrs[a.Key] = a.Val
			}
		}
		into.children = append(into.children, n)
		for c := h.FirstChild; c != nil; c = c.NextSibling {
			adopt(n, c)
		}
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
