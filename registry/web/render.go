package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/hexship/ship/registry/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Templates: layout.html and partials.html hold what every page shares;
// every other file is one page, defining "main".
var pages = parsePages()

// funcs are the helpers templates may call.
var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2 January 2006") },
	"datetime": func(t time.Time) string {
		return t.UTC().Format("2 January 2006, 15:04 MST")
	},
	"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"eventName": eventName,
}

// eventNames say in words what the security log's kinds mean.
var eventNames = map[string]string{
	"signup":                     "Account created",
	"login":                      "Signed in",
	"login_failed":               "Failed sign-in",
	"logout":                     "Signed out",
	"sudo":                       "Confirmed identity",
	"sudo_failed":                "Failed identity confirmation",
	"totp_enabled":               "Two-factor authentication on",
	"totp_disabled":              "Two-factor authentication off",
	"recovery_codes_regenerated": "New recovery codes",
	"recovery_code_used":         "Recovery code used",
	"password_changed":           "Password changed",
	"device_approved":            "Device authorized",
	"device_denied":              "Device denied",
}

// eventName is a security log kind in words; a kind this site does not
// know (written by another part of the registry) is shown as it is.
func eventName(kind string) string {
	if n, ok := eventNames[kind]; ok {
		return n
	}
	return kind
}

func parsePages() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles,
		"templates/layout.html", "templates/partials.html"))
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		file := path.Base(name)
		if file == "layout.html" || file == "partials.html" {
			continue
		}
		t := template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, name))
		out[strings.TrimSuffix(file, ".html")] = t
	}
	return out
}

// page is what the layout and every page template see.
type page struct {
	Title  string
	Error  string // what went wrong with the form, in words
	Notice string // what just went right
	Data   any    // the page's own data

	User       *store.User // the signed-in user; nil otherwise
	SignupOpen bool

	csrf func() string
}

// CSRF is the token forms carry. It is made only when a template asks, so
// that a page without a form sets no cookie.
func (p *page) CSRF() string { return p.csrf() }

// render executes a page into a buffer, so that a template error becomes a
// clean 500 rather than half a page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := pages[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	v := visitOf(r)
	if v.signedIn() {
		p.User = v.user
	}
	p.SignupOpen = s.SignupOpen
	p.csrf = func() string { return s.csrfToken(w, r) }
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log().Error("rendering a page failed", "template", name, "err", err)
		if name != "message" {
			s.serverError(w, r, err)
		} else {
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// messageData is a page that only says something.
type messageData struct {
	Paragraphs []string
	LinkHref   string
	LinkText   string
}

// message renders a page with a heading and one paragraph.
func (s *Site) message(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	s.render(w, r, status, "message", &page{Title: title, Data: &messageData{Paragraphs: []string{text}, LinkHref: "/", LinkText: "Go to the home page"}})
}

// serverError logs err and tells the person it was not their fault.
func (s *Site) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log().Error("website request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	s.message(w, r, http.StatusInternalServerError, "Something went wrong",
		"The server could not finish this request. Nothing you entered was wrong; please try again in a moment.")
}

// staticHandler serves the embedded stylesheet. The files change only
// with a new build, so browsers may keep them for a day.
func staticHandler() http.Handler {
	files := http.FileServerFS(staticFiles)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cache-Control", "public, max-age=86400")
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		files.ServeHTTP(w, r)
	})
}
