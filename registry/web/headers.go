package web

import (
	"context"
	"errors"
	"net/http"
)

// contentSecurityPolicy allows only the site's own styles and images (and
// the QR code's data: URI) and no script at all, inline or not; no page
// may frame the site, and forms may post only to it.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; script-src 'none'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// setSecurityHeaders sets what every page answers with. Pages are never
// stored by caches: they carry session details or CSRF tokens.
func setSecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// maxForm bounds a form body: the largest form is a few hundred bytes.
const maxForm = 64 << 10

type visitKey struct{}

// wrap sets the security headers and finds the browser's session before h
// runs.
func (s *Site) wrap(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w)
		v, err := s.loadVisit(w, r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), visitKey{}, v)))
	})
}

// visitOf is the visit wrap found; an anonymous one outside wrap.
func visitOf(r *http.Request) *visit {
	if v, ok := r.Context().Value(visitKey{}).(*visit); ok {
		return v
	}
	return &visit{}
}

// form parses a posted form and refuses it without a valid CSRF token.
func (s *Site) form(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.message(w, r, http.StatusRequestEntityTooLarge, "Form too large", "The form sent was larger than any form of this site.")
				return
			}
			s.message(w, r, http.StatusBadRequest, "Bad form", "The form could not be read. Reload the page and try again.")
			return
		}
		if !s.csrfValid(r) {
			s.formExpired(w, r)
			return
		}
		h(w, r)
	}
}

// formExpired answers a post whose CSRF token is missing or wrong: most
// often a page left open across a sign-out or a restart.
func (s *Site) formExpired(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusForbidden, "This form has expired",
		"The form was sent without a valid security token, so nothing was done. This happens when a page stays open while you sign in or out elsewhere. Reload the page and try again.")
}

// crossOrigin answers a post that the browser says came from another
// site.
func (s *Site) crossOrigin(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w)
	s.message(w, r, http.StatusForbidden, "Request refused",
		"This request came from another web site, so nothing was done. If you meant to do it, open this site directly and try again.")
}

// auth lets only signed-in browsers through (not those still owing a
// second factor); others go to the sign-in page, which brings them back.
func (s *Site) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !visitOf(r).signedIn() {
			redirect(w, r, "/login?return="+queryEscape(r.URL.RequestURI()))
			return
		}
		h(w, r)
	}
}

// pending lets only a browser that gave the right password and still owes
// its second factor through.
func (s *Site) pending(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		ret := safeReturn(r.FormValue("return"))
		switch {
		case v.signedIn():
			redirect(w, r, orDashboard(ret))
		case v.session == nil:
			redirect(w, r, withReturn("/login", ret))
		default:
			h(w, r)
		}
	}
}
