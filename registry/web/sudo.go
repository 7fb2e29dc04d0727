package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hexship/ship/registry/account"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

// Sudo mode, as hex.pm has it: pages that change an account's security or
// approve a device need the person to have proved who they are recently,
// not merely to hold a session cookie.
const (
	// SudoTimeout is how long a sign-in or a re-verification counts.
	SudoTimeout = time.Hour
	// SudoForceTimeout is how recent it must be for destructive actions
	// (turning two-factor authentication off).
	SudoForceTimeout = 30 * time.Second
)

// carryPrefix marks the fields of a form that was posted after sudo mode
// ran out; the sudo form carries them so nothing typed is lost.
const carryPrefix = "carry."

// field is one name and value of a form.
type field struct {
	Name  string
	Value string
}

// sudoData fills the sudo form.
type sudoData struct {
	Return    string  // where to go (or post) afterwards
	Replay    bool    // a form was interrupted: post Carry to Return afterwards
	Carry     []field // the interrupted form's fields, CSRF token left out
	TwoFactor bool    // ask for a TOTP or recovery code rather than the password
	Recovery  bool    // ask for a recovery code
}

// SwitchHref links to the other kind of code when no form is carried.
func (d *sudoData) SwitchHref() string {
	p := "/sudo/recovery"
	if d.Recovery {
		p = "/sudo"
	}
	return withReturn(p, d.Return)
}

// continueData fills the page that posts an interrupted form again.
type continueData struct {
	Action string
	Fields []field
}

// sudo lets h run only when the session re-verified within SudoTimeout
// (SudoForceTimeout when force). Otherwise a page is redirected to /sudo
// and back; a posted form gets the sudo form at once, carrying its fields,
// so that what the person filled in survives the detour.
func (s *Site) sudo(h http.HandlerFunc, force bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		window := SudoTimeout
		if force {
			window = SudoForceTimeout
		}
		if s.sudoFresh(v.session, window) {
			h(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			redirect(w, r, withReturn("/sudo", r.URL.RequestURI()))
			return
		}
		on, err := s.TwoFactor.Enabled(r.Context(), v.user.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d := &sudoData{Return: safeReturn(r.URL.RequestURI()), Replay: true, Carry: formFields(r.PostForm), TwoFactor: on}
		s.render(w, r, http.StatusOK, "sudo", &page{Title: "Confirm it is you", Data: d})
	}
}

// formFields lists a form's fields but its CSRF token, by name, each
// name's values in the order sent.
func formFields(form url.Values) []field {
	names := make([]string, 0, len(form))
	for name := range form {
		if name != csrfField {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var out []field
	for _, name := range names {
		for _, value := range form[name] {
			out = append(out, field{Name: name, Value: value})
		}
	}
	return out
}

// carried recovers the interrupted form's fields from the sudo form.
func carried(form url.Values) []field {
	var out []field
	for _, f := range formFields(form) {
		if name, ok := strings.CutPrefix(f.Name, carryPrefix); ok && name != csrfField {
			out = append(out, field{Name: name, Value: f.Value})
		}
	}
	return out
}

// sudoPage asks for a TOTP code (or a recovery code), or the password of
// an account without two-factor authentication.
func (s *Site) sudoPage(recovery bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		on, err := s.TwoFactor.Enabled(r.Context(), visitOf(r).user.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d := &sudoData{Return: safeReturn(r.URL.Query().Get("return")), TwoFactor: on, Recovery: recovery && on}
		s.render(w, r, http.StatusOK, "sudo", &page{Title: "Confirm it is you", Data: d})
	}
}

// sudoVerify checks the re-verification and then returns to the page, or
// shows the interrupted form ready to post again.
func (s *Site) sudoVerify(recovery bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := visitOf(r)
		on, err := s.TwoFactor.Enabled(ctx, v.user.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d := &sudoData{
			Return:    safeReturn(r.PostFormValue("return")),
			Replay:    r.PostFormValue("replay") == "1",
			Carry:     carried(r.PostForm),
			TwoFactor: on,
			Recovery:  recovery && on,
		}
		again := func(status int, msg string) {
			s.render(w, r, status, "sudo", &page{Title: "Confirm it is you", Error: msg, Data: d})
		}
		if r.PostFormValue("show") == "1" {
			// Switching between the app and a recovery code: nothing to
			// check yet.
			again(http.StatusOK, "")
			return
		}
		code := r.PostFormValue("code")
		var how string
		switch {
		case d.Recovery:
			how = "with a recovery code"
			err = s.TwoFactor.VerifyRecovery(ctx, v.user.ID, code, clientIP(r))
			if err == nil {
				err = s.recoveryUsed(r, v.user.ID, "in sudo mode")
			}
		case on:
			how = "with a TOTP code"
			err = s.TwoFactor.Verify(ctx, v.user.ID, code, webBy(v.session.ID), clientIP(r))
		default:
			how = "with a password"
			err = s.checkPassword(r, v.user, r.PostFormValue("password"))
		}
		switch {
		case errors.Is(err, twofactor.ErrInvalid), errors.Is(err, errWrongPassword):
			if err := s.addEvent(r, v.user.ID, "sudo_failed", how); err != nil {
				s.serverError(w, r, err)
				return
			}
			msg := msgBadTOTP
			switch {
			case d.Recovery:
				msg = msgBadRecovery
			case !on:
				msg = "That password is not right."
			}
			again(http.StatusUnauthorized, msg)
			return
		case errors.Is(err, twofactor.ErrThrottled), errors.Is(err, errThrottled):
			again(http.StatusTooManyRequests, msgTooManyLogins)
			return
		case errors.Is(err, twofactor.ErrNotEnrolled):
			// Turned off meanwhile, in another browser: ask again, now
			// for the password.
			d.TwoFactor, d.Recovery = false, false
			again(http.StatusConflict, "Two-factor authentication was turned off for your account. Confirm with your password instead.")
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		}
		now := s.now()
		err = s.Store.Update(ctx, func(tx store.Tx) error {
			cur, err := tx.WebSessionByLookup(ctx, v.session.Lookup)
			if err != nil {
				return err
			}
			cur.SudoAt = &now
			if err := tx.UpdateWebSession(ctx, cur); err != nil {
				return err
			}
			return s.event(ctx, tx, r, v.user.ID, "sudo", how)
		})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.session.SudoAt = &now
		if d.Replay && d.Return != "" {
			s.render(w, r, http.StatusOK, "continue", &page{Title: "Confirmed", Data: &continueData{Action: d.Return, Fields: d.Carry}})
			return
		}
		redirect(w, r, orDashboard(d.Return))
	}
}

// recoveryUsed writes the use of a recovery code to the security log.
func (s *Site) recoveryUsed(r *http.Request, userID int64, where string) error {
	left, err := s.Store.RecoveryCodesLeft(r.Context(), userID)
	if err != nil {
		return err
	}
	return s.addEvent(r, userID, "recovery_code_used", fmt.Sprintf("%s; %d left", where, left))
}

var (
	errWrongPassword = errors.New("wrong password")
	errThrottled     = errors.New("too many wrong passwords")
)

// checkPassword checks a signed-in user's password, throttled and counted
// like a sign-in: a stolen session must not become a way to guess it.
func (s *Site) checkPassword(r *http.Request, user *store.User, password string) error {
	ctx := r.Context()
	ipKey, accountKey := loginIPKey(clientIP(r)), loginAccountKey(user.ID, "")
	if blocked, err := s.Throttle.Blocked(ctx, LoginIPLimit, ipKey); err != nil {
		return err
	} else if blocked {
		return errThrottled
	}
	if ok, err := s.Throttle.Take(ctx, LoginAccountLimit, accountKey); err != nil {
		return err
	} else if !ok {
		return errThrottled
	}
	if len(password) > 1024 || !account.VerifyPassword(user.PasswordHash, password) {
		if err := s.Throttle.Fail(ctx, ipKey); err != nil {
			return err
		}
		return errWrongPassword
	}
	return s.Throttle.Clear(ctx, accountKey)
}
