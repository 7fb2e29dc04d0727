package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

// The words for a wrong second factor.
const (
	msgBadTOTP     = "That code is not right. Enter the current 6-digit code from your authenticator app."
	msgBadRecovery = "That recovery code is not right, or it was used already."
)

// secondFactorData fills the sign-in pages that ask for the second factor.
type secondFactorData struct {
	Return string
}

func (s *Site) loginTOTPPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login_2fa", &page{Title: "Two-factor authentication",
		Data: &secondFactorData{Return: safeReturn(r.URL.Query().Get("return"))}})
}

func (s *Site) loginRecoveryPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login_recovery", &page{Title: "Sign in with a recovery code",
		Data: &secondFactorData{Return: safeReturn(r.URL.Query().Get("return"))}})
}

// webBy is who presents a TOTP code from this browser, for the replay
// check: a code is good once, for one session.
func webBy(sessionID int64) string { return "web:" + strconv.FormatInt(sessionID, 10) }

// loginTOTP completes a sign-in with a code from the authenticator app.
func (s *Site) loginTOTP(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	ret := safeReturn(r.PostFormValue("return"))
	err := s.TwoFactor.Verify(r.Context(), v.user.ID, r.PostFormValue("code"), webBy(v.session.ID), clientIP(r))
	s.finishLogin(w, r, err, "login_2fa", "Two-factor authentication", ret, "with a password and a TOTP code", msgBadTOTP)
}

// loginRecovery completes a sign-in with a recovery code, using it up.
func (s *Site) loginRecovery(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	ret := safeReturn(r.PostFormValue("return"))
	err := s.TwoFactor.VerifyRecovery(r.Context(), v.user.ID, r.PostFormValue("code"), clientIP(r))
	if err == nil {
		if err := s.recoveryUsed(r, v.user.ID, "at sign-in"); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.finishLogin(w, r, err, "login_recovery", "Sign in with a recovery code", ret, "with a password and a recovery code", msgBadRecovery)
}

// finishLogin turns the pending session into a full one when the second
// factor was right (err == nil), and otherwise shows the form again with
// what went wrong.
func (s *Site) finishLogin(w http.ResponseWriter, r *http.Request, err error, tmpl, title, ret, how, wrong string) {
	v := visitOf(r)
	again := func(status int, msg string) {
		s.render(w, r, status, tmpl, &page{Title: title, Error: msg, Data: &secondFactorData{Return: ret}})
	}
	switch {
	case errors.Is(err, twofactor.ErrInvalid):
		if err := s.addEvent(r, v.user.ID, "login_failed", "wrong second factor"); err != nil {
			s.serverError(w, r, err)
			return
		}
		again(http.StatusUnauthorized, wrong)
		return
	case errors.Is(err, twofactor.ErrThrottled):
		again(http.StatusTooManyRequests, msgTooManyLogins)
		return
	case errors.Is(err, twofactor.ErrNotEnrolled):
		// 2FA was turned off since the password was checked: start over
		// rather than let half a sign-in through.
		if err := s.Store.Update(r.Context(), func(tx store.Tx) error { return tx.DeleteWebSession(r.Context(), v.session.ID) }); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.clearSessionCookie(w)
		redirect(w, r, withReturn("/login", ret))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if err := s.signIn(w, r, v.user, false, "login", how); err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, orDashboard(ret))
}
