// Package browsertest drives a real headless Chromium for tests of the
// website, through chromedp. Pages are checked as a person meets them:
// rendered by the browser, with its cookie handling, form submission and
// Content-Security-Policy enforcement.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RequireEnv, when set to a non-empty value, turns a missing browser into
// a failure instead of a skip. CI sets it, so the browser tests cannot
// silently stop running there.
const RequireEnv = "SHIPYARD_TEST_BROWSER"

// candidates are where Debian and other systems put Chromium.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// find returns the browser's path, or "".
func find() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless browser with a fresh profile for the test and
// returns a context for chromedp.Do and chromedp.Run, ended with the test. Each action is
// bounded by the timeout the test's deadline leaves, else two minutes.
func New(t testing.TB) context.Context {
	t.Helper()
	path := find()
	if path == "" {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("%s is set but no Chromium was found (install Debian's chromium)", RequireEnv)
		}
		t.Skip("no Chromium installed (apt-get install chromium); set " + RequireEnv + " to make this a failure")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.DisableGPU,
		// Chromium refuses to run its sandbox as root, as CI runs.
		chromedp.NoSandbox,
		// No calls to outside hosts: this machine may have no route out.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1024, 900),
	)
	timeout := 2 * time.Minute
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok && time.Until(dl) < timeout {
			timeout = time.Until(dl) - 5*time.Second
		}
	}
	base, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
	})
	// Start the browser now, so a broken install fails here, clearly.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// ScreenshotEnv names the directory where Screenshot saves pages for
// people to look at; .ci/run sets it and prints it.
const ScreenshotEnv = "SHIPYARD_SCREENSHOTS"

// Screenshot saves the whole page as NAME.png in $SHIPYARD_SCREENSHOTS,
// else in the test's temporary directory, and logs the path.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(ScreenshotEnv)
	if dir == "" {
		dir = t.TempDir()
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// MainText is the text of the page's <main>, as a person reads it.
func MainText(t testing.TB, ctx context.Context) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	return text
}
