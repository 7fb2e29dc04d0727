package web

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

const demoReadme = "# Demo\n\nA **demo** package.\n\n| col | val |\n|-----|-----|\n| a | 1 |\n\n```erlang\nhello() -> world.\n```\n\nSee [the guide](docs/guide.md) and ![logo](assets/logo.png).\n"

const hostileReadme = "# Hostile\n\n<script>window.pwned = 1; document.title = 'pwned'</script>\n\n" +
	"<img src=\"https://example.com/x.png\" onerror=\"window.pwned = 2\">\n\n" +
	"[click](javascript:window.pwned=3) <a href=\"javascript:window.pwned=4\">js</a>\n\n" +
	"<iframe src=\"https://example.com/\"></iframe>\n\n<style>body { display: none }</style>\n\nStill here.\n"

// get fetches path from the site and returns the status and body.
func (e *env) get(path string) (int, string) {
	e.t.Helper()
	res, err := http.Get(e.server.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// packageEnv is a site with a package "demo": 0.9.0, 1.0.0 (retired),
// 1.1.0 and 2.0.0-rc.1, published by ada; 1.1.0 depends on a package of
// this registry and one of another repository.
func packageEnv(t *testing.T) *env {
	e := newEnv(t, withBlobs(t))
	ada := e.addUser("ada")
	base := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	gh := []tarball.Link{{Name: "GitHub", URL: "https://github.com/acme/demo"}}
	e.publish(release{name: "demo", version: "0.9.0", readme: map[string]string{"README.md": "# Old"}, links: gh, at: base, publisher: ada})
	e.publish(release{name: "demo", version: "1.0.0", readme: map[string]string{"README.md": "# One"}, links: gh, at: base.AddDate(0, 1, 0), publisher: ada,
		retire: &store.Retirement{Reason: "security", Message: "CVE-2026-1 in the parser"}})
	e.publish(release{name: "demo", version: "1.1.0", readme: map[string]string{"README.md": demoReadme}, links: gh, at: base.AddDate(0, 2, 0), publisher: ada,
		reqs: []tarball.Requirement{
			{Name: "jason", Requirement: "~> 1.4", Optional: true},
			{Name: "secret_lib", Requirement: ">= 2.0.0", Repository: "acme_private"},
		}})
	e.publish(release{name: "demo", version: "2.0.0-rc.1", readme: map[string]string{"README.md": "# Next"}, links: gh, at: base.AddDate(0, 3, 0), publisher: ada})
	return e
}

func TestPackagePageShowsLatestStable(t *testing.T) {
	e := packageEnv(t)
	status, body := e.get("/packages/demo")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	for _, want := range []string{
		`<span class="package-version">1.1.0</span>`,
		"The demo package.",
		"Apache-2.0",
		`<a href="https://github.com/acme/demo" rel="nofollow noopener">GitHub</a>`,
		// README rendered: table, code, links to the source repository.
		`<h1 id="readme-demo">Demo</h1>`, "<td>a</td>", `<code class="language-erlang">hello() -&gt; world.`,
		`href="https://github.com/acme/demo/blob/HEAD/docs/guide.md"`,
		`src="https://raw.githubusercontent.com/acme/demo/HEAD/assets/logo.png"`,
		// Install snippets.
		`{:demo, &#34;~&gt; 1.1&#34;, repo: &#34;shipyard&#34;}`,
		`{demo, &#34;1.1.0&#34;}`,
		"[requirements.demo]\nrequirement = &#34;~&gt; 1.1&#34;",
		// Dependencies: this registry's linked, another's not.
		`<a class="dep" href="/packages/jason">jason</a>`, "optional",
		`<span class="dep">secret_lib</span> <span class="help">(acme_private)</span>`,
		// Owners, publisher, date, checksum.
		"<li>ada</li>", "5 March 2026</time> by ada",
		// Versions with dates and retirement.
		`href="/packages/demo/2.0.0-rc.1"`, "pre-release", `href="/packages/demo/0.9.0"`, "5 January 2026",
		`<span class="tag retired">Retired: security issue</span> <span class="help retire-message">CVE-2026-1 in the parser</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "/packages/secret_lib") {
		t.Error("a dependency from another repository is linked")
	}
	if !regexp.MustCompile(`<code class="checksum">[0-9a-f]{64}</code>`).MatchString(body) {
		t.Error("no outer checksum shown")
	}
	if strings.Contains(body, "This release is retired") {
		t.Error("the latest release is shown as retired")
	}
}

func TestPackagePageVersionSelection(t *testing.T) {
	e := packageEnv(t)
	status, body := e.get("/packages/demo/1.0.0")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		`<span class="package-version">1.0.0</span>`, `<h1 id="readme-one">One</h1>`,
		"<strong>Retired: security issue.</strong> This release is retired: CVE-2026-1 in the parser",
		`The latest version is <a href="/packages/demo/1.1.0">1.1.0</a>`,
		`{:demo, &#34;~&gt; 1.0&#34;`, `<title>demo 1.0.0 · shipyard</title>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("1.0.0 page lacks %s", want)
		}
	}
	_, body = e.get("/packages/demo/0.9.0")
	if !strings.Contains(body, `{:demo, &#34;~&gt; 0.9.0&#34;`) || !strings.Contains(body, `<h1 id="readme-old">Old</h1>`) {
		t.Error("0.9.0 page lacks its README or its 0.x snippet")
	}
	_, body = e.get("/packages/demo/2.0.0-rc.1")
	if !strings.Contains(body, `{:demo, &#34;~&gt; 2.0.0-rc.1&#34;`) || !strings.Contains(body, `aria-current="page">2.0.0-rc.1</a>`) {
		t.Error("pre-release page lacks its snippet or its current marker")
	}
}

func TestPackagePageOnlyPreReleases(t *testing.T) {
	e := newEnv(t, withBlobs(t))
	ada := e.addUser("ada")
	e.publish(release{name: "early", version: "0.1.0-dev", publisher: ada})
	status, body := e.get("/packages/early")
	if status != http.StatusOK || !strings.Contains(body, `<span class="package-version">0.1.0-dev</span>`) {
		t.Fatalf("status %d; page of a package with only a pre-release: %s", status, body)
	}
	if !strings.Contains(body, "This package has no README.") {
		t.Error("a package without README does not say so")
	}
}

func TestPackagePageNotFound(t *testing.T) {
	e := packageEnv(t)
	for path, want := range map[string]string{
		"/packages/nope":        "There is no package named &#34;nope&#34;",
		"/packages/demo/3.0.0":  "The package &#34;demo&#34; has no version &#34;3.0.0&#34;.",
		"/packages/demo/banana": "has no version",
	} {
		status, body := e.get(path)
		if status != http.StatusNotFound || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, body lacks %q", path, status, want)
		}
	}
}

func TestPackagePageHostileReadme(t *testing.T) {
	e := newEnv(t, withBlobs(t))
	mallory := e.addUser("mallory")
	e.publish(release{name: "evil", version: "1.0.0", readme: map[string]string{"README.md": hostileReadme}, publisher: mallory})
	status, body := e.get("/packages/evil")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	readme := body[strings.Index(body, `<div class="readme"`):]
	readme = readme[:strings.Index(readme, "</section>")]
	for _, bad := range []string{"<script", "pwned", "onerror", "javascript:", "<iframe", "<style"} {
		if strings.Contains(readme, bad) {
			t.Errorf("%q reached the page:\n%s", bad, readme)
		}
	}
	if !strings.Contains(readme, "Still here.") || !strings.Contains(readme, `<img src="https://example.com/x.png">`) {
		t.Errorf("harmless parts of the README lost:\n%s", readme)
	}
}

func TestPackagePageTextReadmeAndBrokenBlob(t *testing.T) {
	e := newEnv(t, withBlobs(t))
	ada := e.addUser("ada")
	e.publish(release{name: "plain", version: "1.0.0", readme: map[string]string{"README.txt": "Hello <world>\n  indented"}, publisher: ada})
	_, body := e.get("/packages/plain")
	if !strings.Contains(body, "<pre class=\"readme-text\">Hello &lt;world&gt;\n  indented</pre>") {
		t.Errorf("text README not shown preformatted:\n%s", body)
	}
	rel := e.publish(release{name: "gone", version: "1.0.0", readme: map[string]string{"README.md": "x"}, publisher: ada})
	if err := e.site.Blobs.Delete(t.Context(), rel.BlobKey); err != nil {
		t.Fatal(err)
	}
	status, body := e.get("/packages/gone")
	if status != http.StatusOK || !strings.Contains(body, "The README of this release could not be read.") {
		t.Errorf("status %d; a missing tarball is not reported on the page", status)
	}
}

// TestPackagePageCachesReadme shows the README comes from the cache once
// rendered (the tarball is gone, the README still shows) and that a
// replaced release, stored under a new blob key, is rendered anew.
func TestPackagePageCachesReadme(t *testing.T) {
	e := newEnv(t, withBlobs(t))
	ada := e.addUser("ada")
	rel := e.publish(release{name: "cached", version: "1.0.0", readme: map[string]string{"README.md": "# First"}, publisher: ada})
	if _, body := e.get("/packages/cached"); !strings.Contains(body, ">First</h1>") {
		t.Fatal("README not shown")
	}
	if err := e.site.Blobs.Delete(t.Context(), rel.BlobKey); err != nil {
		t.Fatal(err)
	}
	if _, body := e.get("/packages/cached"); !strings.Contains(body, ">First</h1>") {
		t.Error("README not served from the cache")
	}
	e.publish(release{name: "cached", version: "1.0.0", readme: map[string]string{"README.md": "# Second"}, publisher: ada})
	if _, body := e.get("/packages/cached"); !strings.Contains(body, ">Second</h1>") {
		t.Error("the replaced release still shows the old README")
	}
}

func TestPackagePagePolicyAllowsHTTPSImagesOnly(t *testing.T) {
	e := packageEnv(t)
	res, err := http.Get(e.server.URL + "/packages/demo")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data: https:;") || !strings.Contains(csp, "script-src 'none'") {
		t.Errorf("policy %q", csp)
	}
}

func TestSnippets(t *testing.T) {
	for _, c := range []struct{ name, app, version, repo, mix, rebar, ship string }{
		{"plug", "", "1.14.2", "hexpm", `{:plug, "~> 1.14"}`, `{plug, "1.14.2"}`, "[requirements.plug]\nrequirement = \"~> 1.14\""},
		{"jason", "jason", "0.4.3", "shipyard", `{:jason, "~> 0.4.3", repo: "shipyard"}`, `{jason, "0.4.3"}`, "[requirements.jason]\nrequirement = \"~> 0.4.3\""},
		{"x_pkg", "xapp", "2.0.0-rc.1", "hexpm", `{:xapp, "~> 2.0.0-rc.1", hex: :x_pkg}`, `{xapp, "2.0.0-rc.1", {pkg, x_pkg}}`, "[requirements.x_pkg]\nrequirement = \"~> 2.0.0-rc.1\"\napp = \"xapp\""},
	} {
		got := makeSnippets(c.name, c.app, c.version, c.repo)
		if got.Mix != c.mix || got.Rebar != c.rebar || got.Ship != c.ship {
			t.Errorf("%s %s: got %+v", c.name, c.version, got)
		}
	}
}

func TestReadmeCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newReadmeCache(3 * entrySize("k1", readmeHTML{HTML: "0123456789"}))
	for _, k := range []string{"k1", "k2", "k3"} {
		c.put(k, readmeHTML{HTML: "0123456789"})
	}
	c.get("k1") // k2 is now the least recently used
	c.put("k4", readmeHTML{HTML: "0123456789"})
	if _, ok := c.get("k2"); ok {
		t.Error("k2 kept past the budget")
	}
	for _, k := range []string{"k1", "k3", "k4"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s evicted", k)
		}
	}
	c.put("huge", readmeHTML{HTML: template.HTML(strings.Repeat("x", 1000))})
	if _, ok := c.get("huge"); ok {
		t.Error("an entry over the whole budget was kept")
	}
}

func TestPackagePageShowsDownloads(t *testing.T) {
	e := packageEnv(t)
	ctx := context.Background()
	pkg, err := e.store.Package(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	rel, err := e.store.Release(ctx, pkg.ID, "1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	old, err := e.store.Release(ctx, pkg.ID, "0.9.0")
	if err != nil {
		t.Fatal(err)
	}
	err = e.store.Update(ctx, func(tx store.Tx) error { return tx.AddDownloads(ctx, map[int64]int64{rel.ID: 7, old.ID: 5}) })
	if err != nil {
		t.Fatal(err)
	}
	_, body := e.get("/packages/demo")
	if want := `<dd id="downloads">7 of this version, 12 in all</dd>`; !strings.Contains(body, want) {
		t.Errorf("page lacks %s", want)
	}
}
