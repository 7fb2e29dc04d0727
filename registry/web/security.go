package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hexship/ship/registry/account"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

// securityData fills the security settings page.
type securityData struct {
	TwoFactor    bool
	EnabledAt    time.Time
	RecoveryLeft int
	Events       []store.SecurityEvent
}

// eventsShown is how much of the security log the page lists.
const eventsShown = 20

// securityNotices are the outcomes a redirect to the security page names
// (?done=...), in words.
var securityNotices = map[string]string{
	"totp-disabled": "Two-factor authentication is off. Your other browsers were signed out and every device login was revoked; devices you log in from now on can only read.",
	"password":      "Your password was changed. Your other browsers were signed out.",
}

func (s *Site) security(w http.ResponseWriter, r *http.Request) {
	s.showSecurity(w, r, http.StatusOK, securityNotices[r.URL.Query().Get("done")], "")
}

// showSecurity renders the security page with a notice or an error.
func (s *Site) showSecurity(w http.ResponseWriter, r *http.Request, status int, notice, problem string) {
	v := visitOf(r)
	on, since, left, err := s.twoFactorStatus(r, v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	events, err := s.Store.SecurityEvents(r.Context(), v.user.ID, eventsShown)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "security", &page{Title: "Security", Notice: notice, Error: problem, Data: &securityData{
		TwoFactor: on, EnabledAt: since, RecoveryLeft: left, Events: events,
	}})
}

// enrolData fills the page that sets up an authenticator app.
type enrolData struct {
	QRCode template.URL // a data: URI of the PNG
	Key    string       // the secret, in groups of four for typing
	Sealed string       // the secret sealed for this user, for the confirmation
	Return string
}

// totpPage starts an enrolment with a fresh secret.
func (s *Site) totpPage(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	on, err := s.TwoFactor.Enabled(r.Context(), v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if on {
		redirect(w, r, "/dashboard/security")
		return
	}
	secret, err := twofactor.NewSecret()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.showEnrol(w, r, http.StatusOK, secret, safeReturn(r.URL.Query().Get("return")), "")
}

// showEnrol renders the enrolment page for secret. The secret travels to
// the confirmation sealed (encrypted and bound to the user), never in a
// cookie or in clear in a form.
func (s *Site) showEnrol(w http.ResponseWriter, r *http.Request, status int, secret, ret, problem string) {
	v := visitOf(r)
	png, err := twofactor.QRCode(twofactor.KeyURI(s.issuer(r), v.user.Username, secret))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &enrolData{
		QRCode: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		Key:    groupsOfFour(secret),
		Sealed: base64.RawURLEncoding.EncodeToString(s.Sealer.Seal(secret, v.user.ID)),
		Return: ret,
	}
	s.render(w, r, status, "totp_enrol", &page{Title: "Enable two-factor authentication", Error: problem, Data: d})
}

// issuer names this registry in authenticator apps: "shipyard" and the
// host, so that two registries are told apart. Apps split the label at a
// colon, so the port is left out.
func (s *Site) issuer(r *http.Request) string {
	host := r.Host
	if u, err := url.Parse(s.PublicURL); err == nil && u.Host != "" {
		host = u.Host
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ReplaceAll(host, ":", ""), "[]")
	if host == "" {
		return "shipyard"
	}
	return "shipyard (" + host + ")"
}

// groupsOfFour writes a key as "ABCD EFGH ...", easier to copy by hand.
func groupsOfFour(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// codesData fills the page that shows recovery codes, once.
type codesData struct {
	New   bool // regenerated, rather than made at enrolment
	Codes []string
	Next  string
}

// totpEnable confirms an enrolment with a code from the app, turns 2FA
// on and shows the recovery codes. Other browsers are signed out: they
// signed in without the second factor.
func (s *Site) totpEnable(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	ret := safeReturn(r.PostFormValue("return"))
	sealed, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("sealed"))
	var secret string
	if err == nil {
		secret, err = s.Sealer.Open(sealed, v.user.ID)
	}
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "message", &page{Title: "Start again", Data: &messageData{
			Paragraphs: []string{"This setup form does not belong to your account or was damaged, so nothing was changed."},
			LinkHref:   "/dashboard/security/totp", LinkText: "Set up two-factor authentication again",
		}})
		return
	}
	on, err := s.TwoFactor.Enabled(ctx, v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if on {
		s.showSecurity(w, r, http.StatusConflict, "", "Two-factor authentication is already on. To move it to another app, turn it off first, then on again.")
		return
	}
	codes, err := s.TwoFactor.Enroll(ctx, v.user.ID, secret, r.PostFormValue("code"))
	switch {
	case errors.Is(err, twofactor.ErrInvalid):
		s.showEnrol(w, r, http.StatusUnauthorized, secret, ret,
			"That code is not right. Check that your device's clock is set automatically, then enter the newest code.")
		return
	case errors.Is(err, twofactor.ErrThrottled):
		s.showEnrol(w, r, http.StatusTooManyRequests, secret, ret, msgTooManyLogins)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.DeleteWebSessions(ctx, v.user.ID, v.session.ID); err != nil {
			return err
		}
		return s.event(ctx, tx, r, v.user.ID, "totp_enabled", "")
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if ret == "" {
		ret = "/dashboard/security"
	}
	s.render(w, r, http.StatusOK, "recovery_codes", &page{Title: "Save your recovery codes",
		Notice: "Two-factor authentication is on.", Data: &codesData{Codes: codes, Next: ret}})
}

// recoveryRegenerate replaces the recovery codes, used or not.
func (s *Site) recoveryRegenerate(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	codes, err := s.TwoFactor.RegenerateRecovery(r.Context(), v.user.ID)
	if errors.Is(err, twofactor.ErrNotEnrolled) {
		s.showSecurity(w, r, http.StatusConflict, "", "Two-factor authentication is off, so there are no recovery codes to replace.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.addEvent(r, v.user.ID, "recovery_codes_regenerated", ""); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "recovery_codes", &page{Title: "Save your new recovery codes",
		Notice: "Your old recovery codes no longer work.", Data: &codesData{New: true, Codes: codes, Next: "/dashboard/security"}})
}

// totpDisable turns 2FA off. Everything that relied on it goes with it:
// the user's other browsers, and every OAuth session (write scopes are
// granted only with 2FA, so none may outlive it).
func (s *Site) totpDisable(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	now := s.now()
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.TOTP(ctx, v.user.ID); errors.Is(err, store.ErrNotFound) {
			return twofactor.ErrNotEnrolled
		} else if err != nil {
			return err
		}
		if err := tx.DisableTOTP(ctx, v.user.ID); err != nil {
			return err
		}
		n, err := tx.RevokeOAuthSessions(ctx, v.user.ID, now)
		if err != nil {
			return err
		}
		if err := tx.DeleteWebSessions(ctx, v.user.ID, v.session.ID); err != nil {
			return err
		}
		return s.event(ctx, tx, r, v.user.ID, "totp_disabled", fmt.Sprintf("%d device logins revoked", n))
	})
	if errors.Is(err, twofactor.ErrNotEnrolled) {
		redirect(w, r, "/dashboard/security")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, "/dashboard/security?done=totp-disabled")
}

// passwordChange sets a new password and signs out the user's other
// browsers.
func (s *Site) passwordChange(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	password := r.PostFormValue("new_password")
	if password != r.PostFormValue("confirm_password") {
		s.showSecurity(w, r, http.StatusBadRequest, "", "The two passwords differ. Type the same new password twice.")
		return
	}
	if err := account.CheckPassword(password); err != nil {
		s.showSecurity(w, r, http.StatusBadRequest, "", sentence(err))
		return
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetPassword(ctx, v.user.ID, hash, s.now()); err != nil {
			return err
		}
		if err := tx.DeleteWebSessions(ctx, v.user.ID, v.session.ID); err != nil {
			return err
		}
		// A new password is what a person does after a suspected
		// compromise: device logins made with the old one go too.
		if _, err := tx.RevokeOAuthSessions(ctx, v.user.ID, s.now()); err != nil {
			return err
		}
		return s.event(ctx, tx, r, v.user.ID, "password_changed", "")
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, "/dashboard/security?done=password")
}
