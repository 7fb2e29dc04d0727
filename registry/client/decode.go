package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/hexship/ship/registry/api"
)

// envelope is every error body the client understands: hex.pm's
// {"status", "message", "errors"} and OAuth's {"error",
// "error_description"}. Fields are decoded loosely: a server that sends
// another shape still gets its words shown.
type envelope struct {
	Message     any `json:"message"`
	Errors      any `json:"errors"`
	Error       any `json:"error"`
	Description any `json:"error_description"`
}

// decodeError turns a refusal into an *Error whose Message is never empty,
// whatever the body holds: hex.pm's envelope, an OAuth error, an HTML page
// from a proxy, plain text or nothing.
func decodeError(status int, header http.Header, body []byte) *Error {
	e := &Error{Status: status, Challenge: challengeError(header.Values("Www-Authenticate"))}
	if loc := snippet(header.Get("Location")); status >= 300 && status < 400 && loc != "" {
		// Only redirects the client chose not to follow get here: writes,
		// and reads sent to another host.
		e.Message = "the server answered " + statusLine(status) + " redirecting to " + loc +
			"; if that is the registry, use it as the API URL"
		return e
	}
	if !decodeEnvelope(e, body) {
		e.Message = describeBody(status, header, body)
	}
	if clean(e.Message) == "" {
		e.Message = statusLine(status)
	}
	if e.Challenge == "" && status == http.StatusUnauthorized {
		// Something on the way dropped the header; hex.pm's words for the
		// challenges are fixed, so they still say which it was.
		e.Challenge = challengeOf[e.Message]
	}
	return e
}

// challengeOf maps hex.pm's (and shipyard's) 401 messages to the
// challenge sent with them.
var challengeOf = map[string]string{
	api.MsgTOTPRequired: challengeTOTPRequired,
	api.MsgTOTPInvalid:  challengeTOTPInvalid,
	api.MsgTokenExpired: challengeTokenExpired,
}

// decodeEnvelope fills e from a JSON error body and reports whether the
// body was one.
func decodeEnvelope(e *Error, body []byte) bool {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return false
	}
	var env envelope
	if err := json.Unmarshal(trimmed, &env); err != nil {
		return false
	}
	msg := text(env.Message)
	if desc, code := text(env.Description), text(env.Error); msg == "" && (desc != "" || code != "") {
		switch {
		case desc != "" && code != "":
			msg = desc + " (" + code + ")"
		case desc != "":
			msg = desc
		default:
			msg = code
		}
	}
	switch errs := env.Errors.(type) {
	case map[string]any:
		if len(errs) > 0 {
			e.Errors = errs
		}
	case nil:
	default:
		// Not hex.pm's field map; its words still belong in the message.
		if s := describe(errs); s != "" {
			msg = strings.TrimPrefix(msg+": "+s, ": ")
		}
	}
	if msg == "" && e.Errors != nil && e.Status == http.StatusUnprocessableEntity {
		msg = api.MsgValidation
	}
	e.Message = msg
	return true
}

// text is a JSON value as a message: strings as they are, other scalars
// printed, anything else ignored.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64, bool:
		return fmt.Sprint(v)
	}
	return ""
}

// maxSnippet bounds the words quoted from a body that is not the API's.
const maxSnippet = 200

// describeBody says what came back when the body is not the API's JSON:
// typically a proxy's or load balancer's page, so the status and the
// page's title are what help.
func describeBody(status int, header http.Header, body []byte) string {
	line := statusLine(status)
	if len(bytes.TrimSpace(body)) == 0 {
		return "the server answered " + line
	}
	ct := strings.ToLower(header.Get("Content-Type"))
	if strings.Contains(ct, "html") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
		msg := "the server answered " + line + " with a web page instead of the Hex API's JSON (is the API URL right, or a proxy in the way?)"
		if title := htmlTitle(body); title != "" {
			msg += "; the page says: " + title
		}
		return msg
	}
	if first := snippet(firstLine(body)); first != "" {
		return "the server answered " + line + ": " + first
	}
	return "the server answered " + line
}

// htmlTitle is the text of a page's <title>, cleaned and shortened.
func htmlTitle(page []byte) string {
	lower := bytes.ToLower(page)
	start := bytes.Index(lower, []byte("<title"))
	if start < 0 {
		return ""
	}
	open := bytes.IndexByte(lower[start:], '>')
	if open < 0 {
		return ""
	}
	from := start + open + 1
	end := bytes.Index(lower[from:], []byte("</title"))
	if end < 0 {
		return ""
	}
	return snippet(html.UnescapeString(string(page[from : from+end])))
}

func firstLine(body []byte) string {
	for _, line := range strings.Split(string(body), "\n") {
		if strings.TrimSpace(line) != "" {
			return line
		}
	}
	return ""
}

// snippet cleans s and cuts it to maxSnippet characters.
func snippet(s string) string {
	s = clean(s)
	if r := []rune(s); len(r) > maxSnippet {
		s = string(r[:maxSnippet]) + "…"
	}
	return s
}
