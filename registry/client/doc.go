// Package client is the typed HTTP client of the Hex API that ship uses to
// publish releases, manage owners and ask who is logged in.
//
// It speaks hex.pm's API as documented, not only shipyard's: requests and
// answers are JSON (hex.pm accepts JSON bodies and answers in the format
// Accept names), errors come back as hex.pm's envelope
// {"status", "message", "errors"} and are returned as *Error, and the
// two-factor and token-expiry challenges are read from the
// www-authenticate header, so callers can prompt for a code or refresh a
// token and try again.
//
// The client never retries by itself: a retry of a write may need a new
// one-time code or a fresh upload reader, which only the caller has.
package client
