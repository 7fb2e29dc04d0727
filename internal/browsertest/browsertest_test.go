package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/hexship/ship/internal/browsertest"
)

// TestBrowserRendersAndSubmits proves the harness: the browser renders a
// page, fills a form and posts it.
func TestBrowserRendersAndSubmits(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			got = r.PostFormValue("name")
			fmt.Fprint(w, `<!doctype html><title>Done</title><p id="done">thanks</p>`)
			return
		}
		fmt.Fprint(w, `<!doctype html><title>Form</title><form method="post"><label>Name <input id="name" name="name"></label><button id="go">Go</button></form>`)
	}))
	defer srv.Close()
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.SendKeys(chromedp.ID("name"), "ada"),
		chromedp.Click(chromedp.ID("go")),
	)
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("done")))
	if err != nil {
		t.Fatal(err)
	}
	if got != "ada" || text != "thanks" {
		t.Fatalf("posted %q, page says %q", got, text)
	}
}
