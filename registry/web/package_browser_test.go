package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hexship/ship/internal/browsertest"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

// browserHostileReadme tries every way to run script a README could try;
// each would mark window.pwned or the title. It loads nothing from other
// hosts, so the browser stays on loopback.
const browserHostileReadme = "# Hostile\n\n<script>window.pwned = 1; document.title = 'pwned'</script>\n\n" +
	"<img src=\"x\" onerror=\"window.pwned = 2; document.title = 'pwned'\">\n\n" +
	"<svg onload=\"window.pwned = 3\"><script>window.pwned = 4</script></svg>\n\n" +
	"<details open ontoggle=\"window.pwned = 5\"><summary>s</summary>d</details>\n\n" +
	"<a id=\"bad\" href=\"javascript:window.pwned=6\">click me</a> [md](javascript:window.pwned=7)\n\n" +
	"<iframe srcdoc=\"<script>parent.pwned = 8</script>\"></iframe>\n\n" +
	"<style>main { display: none }</style>\n\nThe README is still here.\n"

// TestBrowserPackagePageHostileReadme opens, in Chromium, the page of a
// package whose README tries to run script, and proves none ran, none of
// it reached the DOM and the README's text is shown.
func TestBrowserPackagePageHostileReadme(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, withBlobs(t))
	mallory := e.addUser("mallory")
	e.publish(release{name: "evil", version: "1.0.0", readme: map[string]string{"README.md": browserHostileReadme}, publisher: mallory})

	err := chromedp.Do(ctx,
		chromedp.Navigate(e.server.URL+"/packages/evil"),
		chromedp.WaitVisible(chromedp.ID("readme")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// A link the user might click runs nothing either.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("readme-bad"))); err != nil {
		t.Fatal(err)
	}
	// Wait until the page and every image in it settled, so that any load
	// or error handler would have fired.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete"`)); err != nil {
		t.Fatal(err)
	}
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pwned !== undefined`))
	if err != nil || pwned {
		t.Errorf("a script of the README ran (window.pwned set: %v, %v)", pwned, err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "evil · shipyard" {
		t.Errorf("title %q (%v)", title, err)
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const bad = [];
		for (const el of document.querySelectorAll("#readme *")) {
			if (["SCRIPT", "STYLE", "IFRAME", "SVG", "svg"].includes(el.tagName)) bad.push(el.tagName);
			for (const a of el.attributes) {
				if (a.name.startsWith("on") || a.name === "srcdoc" || a.name === "style" || /^\s*javascript:/i.test(a.value)) bad.push(el.tagName + " " + a.name);
			}
		}
		return bad;
	})()`))
	if err != nil || len(found) != 0 {
		t.Errorf("unsafe parts in the README's DOM: %v (%v)", found, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("readme")))
	if err != nil || !strings.Contains(text, "The README is still here.") || !strings.Contains(text, "Hostile") {
		t.Errorf("README text %q (%v)", text, err)
	}
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("main")).display`))
	if err != nil || visible == "none" {
		t.Errorf("the README's style hid the page (%q, %v)", visible, err)
	}
}

// TestBrowserPackagePageScreenshot renders a typical package page in a
// wide window and saves a screenshot; the layout puts README and facts
// side by side there.
func TestBrowserPackagePageScreenshot(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, withBlobs(t))
	ada := e.addUser("ada")
	gh := []tarball.Link{{Name: "GitHub", URL: "https://github.com/acme/demo"}, {Name: "Changelog", URL: "https://github.com/acme/demo/blob/main/CHANGELOG.md"}}
	base := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	readme := "# demo\n\nA small **demo** package for Erlang and Elixir: parses things, quickly.\n\n## Installation\n\nAdd `demo` to your dependencies (see the snippets).\n\n" +
		"## Usage\n\n```erlang\n1> demo:parse(<<\"a=1\">>).\n{ok, #{a => 1}}\n```\n\n| Option | Default | Meaning |\n|---|---|---|\n| `strict` | `false` | refuse unknown keys |\n| `max` | `1024` | longest input |\n\n" +
		"- [x] parsing\n- [ ] streaming\n\nSee [the guide](docs/guide.md) and the [changelog](#changelog).\n\n## Changelog\n\n~~0.9 API~~ replaced in 1.0.\n"
	e.publish(release{name: "demo", version: "0.9.0", readme: map[string]string{"README.md": readme}, links: gh, at: base, publisher: ada,
		retire: &store.Retirement{Reason: "deprecated", Message: "use 1.x"}})
	e.publish(release{name: "demo", version: "1.0.0", readme: map[string]string{"README.md": readme}, links: gh, at: base.AddDate(0, 1, 0), publisher: ada})
	e.publish(release{name: "demo", version: "1.1.0", readme: map[string]string{"README.md": readme}, links: gh, at: base.AddDate(0, 2, 0), publisher: ada,
		reqs: []tarball.Requirement{{Name: "jason", Requirement: "~> 1.4", Optional: true}, {Name: "telemetry", Requirement: "~> 1.0"}}})
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.server.URL+"/packages/demo"),
		chromedp.WaitVisible(chromedp.ID("readme")),
	)
	if err != nil {
		t.Fatal(err)
	}
	side, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const r = document.querySelector(".package-readme").getBoundingClientRect();
		const s = document.querySelector(".package-side").getBoundingClientRect();
		return s.left >= r.right && s.top < r.bottom;
	})()`))
	if err != nil || !side {
		t.Errorf("README and facts not side by side in a wide window (%v)", err)
	}
	browsertest.Screenshot(t, ctx, "package-page")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 800), chromedp.Navigate(e.server.URL+"/packages/demo/0.9.0"), chromedp.WaitVisible(chromedp.CSS(".retired"))); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "package-page-retired-narrow")
}
