package client

import (
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzDecodeError: whatever a server (or anything between) answers, the
// refusal decodes without a panic into an *Error whose text is non-empty,
// valid UTF-8, free of control characters and the same every time. The
// seeds (testdata/fuzz/FuzzDecodeError) are hex.pm's answers, a proxy's
// page, an OAuth error, and hostile headers and bodies.
func FuzzDecodeError(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, authenticate, contentType string, body []byte) {
		h := http.Header{}
		h.Set("Www-Authenticate", authenticate)
		h.Set("Content-Type", contentType)
		e := decodeError(status, h, body)
		msg := e.Error()
		if msg == "" || e.Message == "" {
			t.Fatalf("empty message for %d %q %q", status, authenticate, body)
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("message is not UTF-8: %q", msg)
		}
		if i := strings.IndexFunc(msg, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }); i >= 0 {
			t.Fatalf("message has a control character: %q", msg)
		}
		if again := decodeError(status, h, body).Error(); again != msg {
			t.Fatalf("the same answer reads two ways:\n%q\n%q", msg, again)
		}
		unescaped := strings.ReplaceAll(e.Challenge, `\`, "")
		if e.Challenge != "" && !strings.Contains(strings.ReplaceAll(authenticate, `\`, ""), unescaped) && challengeOf[e.Message] != e.Challenge {
			t.Fatalf("challenge %q comes from neither the header %q nor the message", e.Challenge, authenticate)
		}
	})
}
