package registrytest

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// testPage is a form like the approval page's, with the markup html/template
// writes and a few things it does not (other quotes, comments, a script
// holding markup, an unclosed element).
const testPage = `<!doctype html>
<html lang="en"><head><title>Authorize ship &middot; shipyard</title>
<script>var x = "<form action='/evil'><input name=csrf_token value=stolen>";</script></head>
<body>
<!-- <form action="/commented"></form> -->
<main id="main">
<h1>Authorize   ship</h1>
<div class="alert error" role="alert"><p>Choose at least one of the permissions &amp; only those.</p></div>
<form method="post" action="/oauth/device/authorize" class="stack">
  <input type="hidden" name="csrf_token" value="tok&#43;en&quot;">
  <input type="hidden" name="user_code" value='BCDFGHJK'>
  <input type=checkbox id=scope-0 name="selected_scopes[]" value="api:read" checked disabled>
  <input type="checkbox" id="scope-1" name="selected_scopes[]" value="api:write" disabled aria-describedby="scope-1-note">
  <p class="help" id="scope-1-note">Needs two-factor authentication. <a href="/x">Enable it</a>, then come back.</p>
  <input type="checkbox" name="selected_scopes[]" value="repositories" CHECKED>
  <input type="checkbox" name="remember" checked>
  <input type="checkbox" name="forget" value="yes">
  <textarea name="note">a &lt;b&gt; note</textarea>
  <button type="submit" name="action" value="authorize">Authorize</button>
  <input type="submit" name="other" value="x">
</form>
<p>unclosed <b>bold
</main>`

func TestParseHTMLFindsFormsAndWords(t *testing.T) {
	doc := parseHTML(testPage)
	p := &webPage{method: "GET", url: &url.URL{Path: "/oauth/device/authorize"}, doc: doc}
	if h := p.heading(); h != "Authorize ship" {
		t.Errorf("heading %q", h)
	}
	if got := p.problem(); got != "Choose at least one of the permissions & only those." {
		t.Errorf("problem %q", got)
	}
	if p.form("/evil") != nil || p.form("/commented") != nil {
		t.Error("a form inside a script or a comment was read as markup")
	}
	form := p.form("/oauth/device/authorize")
	if form == nil {
		t.Fatal("the form is not found")
	}
	got := formValues(form).Encode()
	want := "csrf_token=tok%2Ben%22&note=a+%3Cb%3E+note&remember=on&selected_scopes%5B%5D=repositories&user_code=BCDFGHJK"
	if got != want {
		t.Errorf("form values\n got %s\nwant %s", got, want)
	}
	if note := doc.byID("scope-1-note").textContent(); note != "Needs two-factor authentication. Enable it, then come back." {
		t.Errorf("note %q", note)
	}
	if title := doc.byTag("title").textContent(); title != "Authorize ship · shipyard" {
		t.Errorf("title %q", title)
	}
	if b := doc.byTag("b"); b == nil || b.textContent() != "bold" {
		t.Error("the unclosed element lost its text")
	}

	// Ticking the disabled box is refused in the page's words.
	err := chooseWrite(p, form, true)
	if err == nil || !strings.Contains(err.Error(), "the api:write box is disabled: Needs two-factor authentication. Enable it, then come back.") {
		t.Errorf("ticking a disabled box: %v", err)
	}
}

func TestChooseWriteTicksAndUnticks(t *testing.T) {
	page := func() (*webPage, *node) {
		p := &webPage{method: "GET", url: &url.URL{Path: "/a"}, doc: parseHTML(`<form action="/a"><input type="checkbox" name="s" value="api:read" checked disabled><input type="checkbox" name="s" value="api:write" checked></form>`)}
		return p, p.form("/a")
	}
	p, form := page()
	if err := chooseWrite(p, form, false); err != nil {
		t.Fatal(err)
	}
	if got := formValues(form)["s"]; len(got) != 0 {
		t.Errorf("without -write the form sends %v", got)
	}
	p, form = page()
	delete(form.all(func(n *node) bool { return n.attr("value") == "api:write" })[0].attrs, "checked")
	if err := chooseWrite(p, form, true); err != nil {
		t.Fatal(err)
	}
	if got := formValues(form)["s"]; len(got) != 1 || got[0] != "api:write" {
		t.Errorf("with -write the form sends %v", got)
	}
}

// FuzzParseHTML: no page makes the reader fail, loop or lose track of
// the tree, and the words it reads are whole characters of the page.
func FuzzParseHTML(f *testing.F) {
	f.Add(testPage)
	f.Add(`<a href='x`)
	f.Add(`<form action="/a"><input name=x value="1"/><textarea>`)
	f.Add(`</><<!--x--><!x><?y?><p a=b c d="e">`)
	f.Fuzz(func(t *testing.T, src string) {
		doc := parseHTML(src)
		count := 0
		var walk func(n *node)
		walk = func(n *node) {
			for _, c := range n.children {
				if c.parent != n {
					t.Fatal("a child's parent is another node")
				}
				if c.tag != strings.ToLower(c.tag) {
					t.Fatalf("tag %q is not lowercase", c.tag)
				}
				count++
				walk(c)
			}
		}
		walk(doc)
		if count > len(src) {
			t.Fatalf("%d nodes from %d bytes", count, len(src))
		}
		text := doc.textContent()
		if strings.Contains(text, "  ") || text != strings.TrimSpace(text) {
			t.Fatalf("text %q has runs of spaces", text)
		}
		if utf8.ValidString(src) && !utf8.ValidString(text) {
			t.Fatalf("text %q of valid UTF-8 is not", text)
		}
		for _, form := range doc.all(func(n *node) bool { return n.tag == "form" }) {
			formValues(form)
		}
	})
}
