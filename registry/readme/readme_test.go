package readme

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/hexship/ship/tarball"
)

// pkg builds a valid package tarball holding files (path to content).
func pkg(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var list []tarball.File
	var names []string
	for name, body := range files {
		body := body
		names = append(names, name)
		list = append(list, tarball.File{Name: name, Mode: 0o644, Size: int64(len(body)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }})
	}
	meta := tarball.Metadata{Name: "demo", Version: "1.0.0", Description: "d", Licenses: []string{"MIT"},
		Files: names, BuildTools: []string{"rebar3"}, Requirements: []tarball.Requirement{}}
	var buf bytes.Buffer
	if _, err := tarball.Build(&buf, meta, list); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFindPrefersMarkdownAtRoot(t *testing.T) {
	f, err := Find(bytes.NewReader(pkg(t, map[string]string{
		"src/demo.erl":    "-module(demo).",
		"README.txt":      "plain",
		"lib/README.md":   "not at the root",
		"README.md":       "# Demo",
		"README.markdown": "second choice",
	})))
	if err != nil {
		t.Fatal(err)
	}
	if f == nil || f.Name != "README.md" || f.Format != Markdown || string(f.Source) != "# Demo" {
		t.Fatalf("found %+v", f)
	}
}

func TestFindTextAndLowerCase(t *testing.T) {
	f, err := Find(bytes.NewReader(pkg(t, map[string]string{"README.txt": "a <b> c", "src/x.erl": ""})))
	if err != nil || f == nil || f.Format != Text {
		t.Fatalf("found %+v (%v)", f, err)
	}
	if got := Render(f, Source{}); got != `<pre class="readme-text">a &lt;b&gt; c</pre>` {
		t.Errorf("text README rendered as %q", got)
	}
	f, err = Find(bytes.NewReader(pkg(t, map[string]string{"readme.md": "*hi*"})))
	if err != nil || f == nil || f.Name != "readme.md" || !strings.Contains(string(Render(f, Source{})), "<em>hi</em>") {
		t.Fatalf("lower-case readme.md: %+v (%v)", f, err)
	}
}

func TestFindNone(t *testing.T) {
	f, err := Find(bytes.NewReader(pkg(t, map[string]string{"src/demo.erl": "-module(demo).", "docs/README.md": "x"})))
	if err != nil || f != nil {
		t.Fatalf("a package without a root README gave %+v (%v)", f, err)
	}
}

func TestFindRefusesBrokenTarball(t *testing.T) {
	if _, err := Find(strings.NewReader("not a tarball")); err == nil {
		t.Fatal("no error for a broken tarball")
	}
}

func TestFindBoundsSize(t *testing.T) {
	big := "# Big\n\n" + strings.Repeat("word ", MaxSize/5+1000)
	f, err := Find(bytes.NewReader(pkg(t, map[string]string{"README.md": big})))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Truncated || len(f.Source) != MaxSize || string(f.Source) != big[:MaxSize] {
		t.Fatalf("truncated=%v, %d bytes kept of %d", f.Truncated, len(f.Source), len(big))
	}
	f, err = Find(bytes.NewReader(pkg(t, map[string]string{"README.md": big[:MaxSize]})))
	if err != nil || f.Truncated || len(f.Source) != MaxSize {
		t.Fatalf("a README of exactly MaxSize: truncated=%v, %d bytes (%v)", f.Truncated, len(f.Source), err)
	}
}

func md(s string, src Source) string {
	return string(Render(&File{Name: "README.md", Format: Markdown, Source: []byte(s)}, src))
}

func TestRenderGFM(t *testing.T) {
	out := md("# Demo tool\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ see https://example.com/x\n\n- [x] done\n- [ ] todo\n\n```erlang\nf() -> <<\"x\">>.\n```\n\n[jump](#demo-tool)\n", Source{})
	for _, want := range []string{
		`<h1 id="readme-demo-tool">Demo tool</h1>`,
		"<table>", "<th>a</th>", "<td>2</td>",
		"<del>old</del>",
		`<a href="https://example.com/x" rel="nofollow">https://example.com/x</a>`,
		`<input checked="" disabled="" type="checkbox"`,
		`<code class="language-erlang">f() -&gt; &lt;&lt;&#34;x&#34;&gt;&gt;.`,
		`<a href="#readme-demo-tool" rel="nofollow">jump</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered README lacks %s:\n%s", want, out)
		}
	}
}

func TestRenderRelativeURLs(t *testing.T) {
	src := "[guide](docs/guide.md) [root](/CHANGELOG.md) ![logo](assets/logo.png) [up](../../x) <img src=\"img/a.svg\"> [abs](https://hex.pm)"
	gh := SourceOf([]string{"https://example.com/home", "https://github.com/acme/demo.git"})
	out := md(src, gh)
	for _, want := range []string{
		`href="https://github.com/acme/demo/blob/HEAD/docs/guide.md"`,
		`href="https://github.com/acme/demo/blob/HEAD/CHANGELOG.md"`,
		`src="https://raw.githubusercontent.com/acme/demo/HEAD/assets/logo.png"`,
		`src="https://raw.githubusercontent.com/acme/demo/HEAD/img/a.svg"`,
		`href="https://hex.pm"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "x\"") || strings.Contains(out, "../") {
		t.Errorf("a link out of the repository survived:\n%s", out)
	}
	gl := SourceOf([]string{"https://gitlab.com/group/sub/demo/-/tree/main"})
	if out := md("![l](l.png) [d](d.md)", gl); !strings.Contains(out, `src="https://gitlab.com/group/sub/demo/-/raw/HEAD/l.png"`) ||
		!strings.Contains(out, `href="https://gitlab.com/group/sub/demo/-/blob/HEAD/d.md"`) {
		t.Errorf("GitLab links: %s", out)
	}
	out = md(src, SourceOf([]string{"https://example.com/demo"}))
	if strings.Contains(out, "docs/guide.md\"") || strings.Contains(out, "logo.png") || strings.Contains(out, "a.svg") {
		t.Errorf("relative URLs kept without a known source repository:\n%s", out)
	}
	if !strings.Contains(out, ">guide</a>") || !strings.Contains(out, `href="https://hex.pm"`) {
		t.Errorf("link text or absolute link lost:\n%s", out)
	}
}

const hostile = `# Evil

<script>window.pwned = 1; document.title = "pwned"</script>
<img src="x" onerror="window.pwned=2">
<img src="javascript:alert(1)">
<a href="javascript:alert(3)">click</a>

Markdown links: [md](javascript:alert(4)) [md2](JaVaScRiPt:alert(5)) [md3](&#106;avascript:alert(8)) ![i](javascript:alert(9))

<iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style>
<div style="position:fixed" onclick="x()">styled</div>
<svg><script>alert(6)</script></svg>
<form action="/logout" method="post"><button>go</button></form>
<input type="password" name="p"><input type="checkbox">
<a href="data:text/html,<script>alert(7)</script>">data</a>
<object data="x.swf"></object><embed src="x.swf"><meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">
`

// checkSafe fails when out holds anything that could run script or restyle
// the page, judged on the HTML's structure as a browser would parse it.
func checkSafe(t testing.TB, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("output contains <script:\n%s", out)
	}
	for _, bad := range unsafeParts(out) {
		t.Errorf("unsafe output: %s\n%s", bad, out)
	}
}

func TestRenderSanitisesHostileREADME(t *testing.T) {
	for _, src := range []Source{{}, SourceOf([]string{"https://github.com/acme/demo"})} {
		out := md(hostile, src)
		checkSafe(t, out)
		for _, gone := range []string{"pwned", "onerror", "onclick", "javascript", "<iframe", "<style", "style=", "<form", "password", "data:", "<object", "<embed", "<meta", "<base", "<link", "evil.example"} {
			if strings.Contains(strings.ToLower(out), strings.ToLower(gone)) {
				t.Errorf("%q survived sanitising:\n%s", gone, out)
			}
		}
		if !strings.Contains(out, "click") || !strings.Contains(out, "md2") || !strings.Contains(out, "styled") || !strings.Contains(out, `<h1 id="readme-evil">Evil</h1>`) {
			t.Errorf("harmless content lost:\n%s", out)
		}
	}
}

func TestRenderBrokenUTF8(t *testing.T) {
	out := md("caf\xe9 \xff\xfe ok", Source{})
	if !strings.Contains(out, "caf\uFFFD") || !strings.Contains(out, "ok") || strings.ContainsRune(strings.ToValidUTF8(out, ""), 0xFFFD) == false {
		t.Errorf("broken UTF-8 rendered as %q", out)
	}
	if !utf8Valid(out) {
		t.Errorf("output is not valid UTF-8: %q", out)
	}
}
