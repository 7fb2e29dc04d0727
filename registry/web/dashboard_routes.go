package web

import (
	"net/http"
	"strings"
)

// registerDashboard adds the dashboard's sections beyond the overview and
// the security settings: API keys, device sessions and the security log.
// Every one of them sits behind sudo mode; revoking a key, which cannot
// be undone, needs a confirmation of the last 30 seconds.
func (s *Site) registerDashboard(mux *http.ServeMux) {
	get := func(pattern string, h http.HandlerFunc) {
		mux.Handle("GET "+pattern, s.cop.Handler(s.wrap(h)))
	}
	post := func(pattern string, h http.HandlerFunc) {
		mux.Handle("POST "+pattern, s.cop.Handler(s.wrap(s.form(h))))
	}
	get("/dashboard/keys", s.auth(s.sudo(s.keysPage, false)))
	post("/dashboard/keys", s.auth(s.sudo(s.keyCreate, false)))
	post("/dashboard/keys/revoke", s.auth(s.sudo(s.keyRevoke, true)))
	get("/dashboard/sessions", s.auth(s.sudo(s.sessionsPage, false)))
	post("/dashboard/sessions/revoke", s.auth(s.sudo(s.sessionRevoke, false)))
	get("/dashboard/log", s.auth(s.sudo(s.logPage, false)))
}

// The dashboard's own security log kinds, in words. They are added here
// rather than in render.go so the dashboard's files hold all of its
// vocabulary.
func init() {
	eventNames["key_created"] = "API key created"
	eventNames["key_revoked"] = "API key revoked"
	eventNames["session_revoked"] = "Device logged out"
}

// browserTokens are the product tokens that name a browser or client in a
// User-Agent header, most specific first: Chrome's header also says
// Safari, Edge's also says Chrome.
var browserTokens = []string{"Edg/", "OPR/", "Firefox/", "HeadlessChrome/", "Chrome/", "Safari/"}

// shortAgent shortens a User-Agent header to what a person recognises:
// the browser and its major version ("Firefox 128"), or a program's first
// product token ("ship/1.2.0"), at most 40 characters.
func shortAgent(ua string) string {
	ua = strings.TrimSpace(ua)
	if ua == "" {
		return "unknown"
	}
	if strings.HasPrefix(ua, "Mozilla/") {
		for _, tok := range browserTokens {
			i := strings.Index(ua, tok)
			if i < 0 {
				continue
			}
			name := strings.TrimSuffix(tok, "/")
			version := ua[i+len(tok):]
			if end := strings.IndexAny(version, " ;)"); end >= 0 {
				version = version[:end]
			}
			major, _, _ := strings.Cut(version, ".")
			switch name {
			case "Edg":
				name = "Edge"
			case "OPR":
				name = "Opera"
			case "HeadlessChrome":
				name = "Chrome (headless)"
			}
			if tok == "Safari/" {
				major = "" // Safari's token carries WebKit's build, not its version
			}
			return clip(strings.TrimSpace(name+" "+major), 40)
		}
	}
	first, _, _ := strings.Cut(ua, " ")
	return clip(first, 40)
}

// clip cuts s to at most n runes, marking a cut with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
