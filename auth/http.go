package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"golang.org/x/oauth2"
)

// requestTimeout bounds each request of the default client: a registry
// that stops answering must not hang a command, or hold the refresh lock,
// for ever.
const requestTimeout = 30 * time.Second

var defaultClient = &http.Client{Timeout: requestTimeout}

// authClient is c (or the default client) with redirects refused:
// requests here carry secrets in their bodies, and a 307 or 308 would
// send them again to wherever the server points.
func authClient(c *http.Client) *http.Client {
	if c == nil {
		c = defaultClient
	}
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// endpoint is the registry's OAuth endpoints under its API URL. The auth
// style is explicit: left to auto-detection, x/oauth2 sends every failed
// token request twice, once per style, which doubles each device poll.
func endpoint(api string) oauth2.Endpoint {
	return oauth2.Endpoint{
		DeviceAuthURL: api + "/oauth/device_authorization",
		TokenURL:      api + "/oauth/token",
		AuthStyle:     oauth2.AuthStyleInParams,
	}
}

// trimAPI drops the trailing slash, so that "…/api" and "…/api/" are one
// registry, with one store entry and one lock.
func trimAPI(api string) string { return strings.TrimRight(api, "/") }

// serverError turns a failed OAuth request into words: the server's own
// description when it gave one, otherwise its status. Bodies are never
// quoted whole (an error page is noise), and what is quoted is cleaned of
// control characters, since it comes from the network and ends up on a
// terminal.
func serverError(what string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", what, err)
	}
	status := ""
	if re.Response != nil {
		status = fmt.Sprintf("%d %s", re.Response.StatusCode, http.StatusText(re.Response.StatusCode))
	}
	switch {
	case re.ErrorDescription != "":
		return fmt.Errorf("%s: %s", what, clean(re.ErrorDescription))
	case re.ErrorCode != "":
		return fmt.Errorf("%s: %s", what, clean(re.ErrorCode))
	}
	return fmt.Errorf("%s: the registry answered %s", what, status)
}

// maxQuoted bounds how much of a server's text an error repeats.
const maxQuoted = 300

// clean keeps the printable part of s, at most maxQuoted runes of it.
func clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '\n' || r == '\t' {
			r = ' '
		}
		if !unicode.IsPrint(r) {
			continue
		}
		if n == maxQuoted {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
