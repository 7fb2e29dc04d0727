package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/hexship/ship/internal/browsertest"
)

// TestBrowserSearchAndSort searches from the home page's box in a real
// Chromium, reads the ranked results, sorts them by downloads and by name
// with the links on the page, and keeps a screenshot of the results.
func TestBrowserSearchAndSort(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t)
	e.seed(plugFamily...)
	e.seed(pkgSpec{name: "plug_telemetry", description: `Telemetry for <script>document.title="owned"</script> plugs`,
		downloads: 2500, versions: []string{"0.3.0", "0.4.0-rc.0"}, owners: []string{"ada", "grace"}, licenses: []string{"Apache-2.0"}})
	base := e.server.URL

	names := func() []string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("ol.results h2 a")).map(a => a.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.SendKeys(chromedp.ID("search-q"), "plug"),
		chromedp.Submit(chromedp.ID("search-q")),
		chromedp.WaitVisible(chromedp.CSS("ol.results")),
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"plug", "plug_telemetry", "plug_cowboy", "plug_crypto", "cowboy_plug", "router"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("best match lists %v, want %v", got, want)
	}
	text := browsertest.MainText(t, ctx)
	for _, s := range []string{"1–6 of 6 packages", "0.3.0", "Apache-2.0", "ada, grace", "2,500 downloads",
		`Telemetry for <script>document.title="owned"</script> plugs`} {
		if !strings.Contains(text, s) {
			t.Errorf("the results do not say %q:\n%s", s, text)
		}
	}
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || title == "owned" {
		t.Errorf("a description's script ran: title %q (%v)", title, err)
	}
	browsertest.Screenshot(t, ctx, "search-results")

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.sorts a[href*="sort=downloads"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.sorts a[href*="sort=downloads"][aria-current]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"router", "plug_telemetry", "cowboy_plug", "plug_cowboy", "plug_crypto", "plug"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("by downloads lists %v, want %v", got, want)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.sorts a[href*="sort=name"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.sorts a[href*="sort=name"][aria-current]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"cowboy_plug", "plug", "plug_cowboy", "plug_crypto", "plug_telemetry", "router"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("by name lists %v, want %v", got, want)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("search-q"))); err != nil || v != "plug" {
		t.Errorf("the search box holds %q after sorting (%v)", v, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`ol.results a[href="/packages/plug_cowboy"]`)),
		chromedp.WaitNotPresent(chromedp.CSS("ol.results")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != base+"/packages/plug_cowboy" {
		t.Errorf("the result links to %q (%v)", loc, err)
	}
}
