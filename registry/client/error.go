package client

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a registry's refusal: any answer that is not a success.
type Error struct {
	// Status is the HTTP status of the answer.
	Status int
	// Message is the server's message (hex.pm's "message", or an OAuth
	// error_description), or, when the answer had none, a description of
	// the answer made by the client; never empty for an Error the client
	// returns. It is the server's text as sent: print Error(), which makes
	// it safe for a terminal.
	Message string
	// Errors are hex.pm's field errors of a 422: field → message, or
	// field → nested map (requirements are keyed by dependency name).
	Errors map[string]any
	// Challenge is the error of the answer's Bearer challenge
	// (www-authenticate): "totp_required", "invalid_totp",
	// "token_expired", or "" when there was none.
	Challenge string
}

// Challenges a registry sends on a 401 (see IsOTPRequired and friends).
const (
	challengeTOTPRequired = "totp_required"
	challengeTOTPInvalid  = "invalid_totp"
	challengeTokenExpired = "token_expired"
)

// Error reads as a sentence for people: the message, then each field
// error as "field: message" (nested fields joined with dots), sorted by
// field so the same answer always reads the same. Control characters the
// server may have sent are replaced, so printing it cannot drive the
// terminal.
func (e *Error) Error() string {
	msg := clean(e.Message)
	if msg == "" {
		msg = statusLine(e.Status)
	}
	fields := flatten("", e.Errors)
	if len(fields) == 0 {
		return msg
	}
	return msg + ": " + strings.Join(fields, "; ")
}

// IsOTPRequired reports whether err is a registry asking for a two-factor
// code (x-hex-otp) the request did not carry.
func IsOTPRequired(err error) bool { return hasChallenge(err, challengeTOTPRequired) }

// IsOTPInvalid reports whether err is a registry refusing the two-factor
// code the request carried.
func IsOTPInvalid(err error) bool { return hasChallenge(err, challengeTOTPInvalid) }

// IsTokenExpired reports whether err is a registry saying the access token
// expired, so a refreshed one may succeed. hex.pm itself never says so (it
// answers "invalid API key"); shipyard does.
func IsTokenExpired(err error) bool { return hasChallenge(err, challengeTokenExpired) }

func hasChallenge(err error, challenge string) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized && e.Challenge == challenge
}

// statusLine is "HTTP 502 Bad Gateway", or "HTTP 599" for a status Go has
// no name for.
func statusLine(status int) string {
	if text := http.StatusText(status); text != "" {
		return fmt.Sprintf("HTTP %d %s", status, text)
	}
	return fmt.Sprintf("HTTP %d", status)
}

// flatten renders field errors as sorted "a.b: message" strings.
func flatten(prefix string, errs map[string]any) []string {
	var out []string
	for k, v := range errs {
		key := clean(k)
		if prefix != "" {
			key = prefix + "." + key
		}
		if m, ok := v.(map[string]any); ok {
			if len(m) == 0 {
				out = append(out, key+": is invalid")
			}
			out = append(out, flatten(key, m)...)
			continue
		}
		out = append(out, strings.TrimPrefix(key+": "+describe(v), ": "))
	}
	sort.Strings(out)
	return out
}

// describe renders one field error value; hex.pm sends strings, other
// servers lists of them.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		if s := clean(v); s != "" {
			return s
		}
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				parts = append(parts, flatten("", m)...)
			} else if s := describe(x); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ", ")
		}
	case nil:
	default:
		return clean(fmt.Sprint(v))
	}
	return "is invalid"
}

// clean makes server text safe and readable on a terminal: invalid UTF-8
// becomes U+FFFD, control and bidirectional-override characters become
// spaces (a message must not move the cursor, recolour the screen or
// reorder what follows), runs of spaces shrink to one, and the ends are
// trimmed.
func clean(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r) // utf8.RuneError for invalid bytes
	}
	return b.String()
}
