// Package api is the wire contract of the Hex HTTP API that shipyard serves
// and ship speaks: media types, the error envelope and the standard
// messages, so both sides agree on them in one place.
package api

import (
	"fmt"
	"sort"
	"strings"
)

// Media types of request and response bodies.
const (
	MediaErlang  = "application/vnd.hex+erlang" // Erlang External Term Format; what the Hex client sends
	MediaJSON    = "application/json"
	MediaHexJSON = "application/vnd.hex+json"
	MediaForm    = "application/x-www-form-urlencoded"
	MediaTar     = "application/octet-stream" // publish and docs uploads
)

// Messages hex.pm uses for authentication and authorisation failures;
// clients match some of them, so they are kept word for word.
const (
	MsgMissingAuth      = "missing authentication information"
	MsgInvalidAuth      = "invalid authentication information"
	MsgInvalidKey       = "invalid API key"
	MsgKeyRevoked       = "API key revoked"
	MsgKeyNotAuthorized = "key not authorized for this action"
	MsgNotAuthorized    = "account not authorized for this action"
	MsgNotFound         = "Page not found"
	MsgValidation       = "Validation error(s)"
	MsgBadRequest       = "Bad request"
	MsgLengthRequired   = "Length required"
	MsgTooLarge         = "Payload too large"
	MsgInternal         = "Internal server error"
	MsgUnsupportedMedia = "Unsupported media type"
)

// Two-factor answers to writes made with an OAuth token, word for word as
// hex.pm sends them; clients key their OTP prompt on the challenges.
const (
	MsgTOTPNotEnabled = "Two-factor authentication must be enabled for API write access"
	MsgTOTPRequired   = "Two-factor authentication required. Include X-Hex-OTP header with your TOTP code."
	MsgTOTPInvalid    = "Invalid two-factor authentication code"
	MsgTOTPThrottled  = "Too many failed two-factor authentication attempts. Please try again later."
	// MsgTokenExpired goes with ChallengeTokenExpired; hex.pm never sends
	// it (it answers MsgInvalidKey), shipyard does so clients refresh.
	MsgTokenExpired = "access token expired"

	ChallengeTOTPRequired = `Bearer realm="hex", error="totp_required"`
	ChallengeTOTPInvalid  = `Bearer realm="hex", error="invalid_totp"`
	ChallengeTokenExpired = `Bearer realm="hex", error="token_expired"`

	// HeaderOTP carries the code.
	HeaderOTP = "x-hex-otp"
)

// Error is hex.pm's error envelope: {"status": N, "message": "...",
// "errors": {...}}. Errors maps a field to a message, or to a nested map
// (requirements are keyed by dependency name).
type Error struct {
	Status  int            `json:"status"`
	Message string         `json:"message,omitempty"`
	Errors  map[string]any `json:"errors,omitempty"`
}

// Error renders the envelope as one readable sentence: the message and each
// field error, sorted by field, e.g. "Validation error(s): version: is
// invalid SemVer".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Message != "" {
		b.WriteString(e.Message)
	} else {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
	}
	fields := flatten("", e.Errors)
	if len(fields) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(fields, "; "))
	}
	return b.String()
}

// flatten turns nested field errors into "a.b: message" strings.
func flatten(prefix string, errs map[string]any) []string {
	var out []string
	for k, v := range errs {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			out = append(out, flatten(key, v)...)
		default:
			out = append(out, fmt.Sprintf("%s: %v", key, v))
		}
	}
	sort.Strings(out)
	return out
}

// AsMap is the envelope as a generic value, for encoders that need one
// (Erlang terms).
func (e *Error) AsMap() map[string]any {
	m := map[string]any{"status": e.Status}
	if e.Message != "" {
		m["message"] = e.Message
	}
	if len(e.Errors) > 0 {
		m["errors"] = e.Errors
	}
	return m
}
