package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// csrfField is the hidden field of every form that posts.
const csrfField = "csrf_token"

// csrfCookie holds a random value before sign-in; the form's token is
// derived from it (a signed double-submit cookie), so that a cookie
// planted by a neighbouring host is useless without the server's secret.
const csrfCookie = "shipyard_csrf"

// mac is the hex HMAC-SHA256 of msg under the server secret.
func (s *Site) mac(msg string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// csrfToken is the token this browser's forms carry: bound to its session
// when it has one, else to its anonymous CSRF cookie, set here when
// missing (so only pages with a form set it).
func (s *Site) csrfToken(w http.ResponseWriter, r *http.Request) string {
	v := visitOf(r)
	if v.session != nil {
		return s.mac("csrf:" + v.session.Lookup)
	}
	if v.anon == "" {
		if c, err := r.Cookie(csrfCookie); err == nil && wellFormedToken(c.Value) {
			v.anon = c.Value
		} else {
			v.anon = newToken()
			http.SetCookie(w, &http.Cookie{
				Name:     csrfCookie,
				Value:    v.anon,
				Path:     "/",
				HttpOnly: true,
				Secure:   s.secure(),
				SameSite: http.SameSiteLaxMode,
			})
		}
	}
	return s.mac("csrf-anon:" + v.anon)
}

// csrfValid reports whether a posted form carries this browser's token.
// The anonymous token is accepted from a signed-in browser too: a sign-in
// page left open in another tab still works once the person signed in.
func (s *Site) csrfValid(r *http.Request) bool {
	got := []byte(r.PostFormValue(csrfField))
	if len(got) == 0 {
		return false
	}
	v := visitOf(r)
	if v.session != nil && hmac.Equal(got, []byte(s.mac("csrf:"+v.session.Lookup))) {
		return true
	}
	if c, err := r.Cookie(csrfCookie); err == nil && wellFormedToken(c.Value) {
		return hmac.Equal(got, []byte(s.mac("csrf-anon:"+c.Value)))
	}
	return false
}
