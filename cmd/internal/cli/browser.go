package cli

import (
	"io"
	"os"
	"os/exec"
	"runtime"

	"github.com/hexship/ship/cmd/internal/iostreams"
	"github.com/pkg/browser"
)

// canOpenBrowser reports whether opening a browser would show a page to
// the person running ship: they are at a terminal, on a machine with a
// display, not over SSH (where the browser would open on the far end, or
// nowhere).
func canOpenBrowser(ios *iostreams.IOStreams) bool {
	if !ios.IsStderrTTY() {
		return false
	}
	for _, v := range []string{"SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"} {
		if os.Getenv(v) != "" {
			return false
		}
	}
	if os.Getenv("BROWSER") != "" {
		return true
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// openBrowser opens url with $BROWSER when set, else the system's way.
// The browser's own chatter is discarded: it would garble the terminal.
func openBrowser(url string) error {
	if b := os.Getenv("BROWSER"); b != "" {
		cmd := exec.Command(b, url)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		return cmd.Start()
	}
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL(url)
}
