package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/hexship/ship/registry/account"
	"github.com/hexship/ship/registry/store"
)

// msgBadLogin answers a wrong password and an unknown account alike, so
// the page does not tell which names exist.
const msgBadLogin = "Invalid username, email or password."

// loginData fills the sign-in form.
type loginData struct {
	Login      string
	Return     string
	SignupHref string
}

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	base := strings.TrimSuffix(s.PublicURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	s.render(w, r, http.StatusOK, "home", &page{Title: "Home", Data: struct{ BaseURL string }{base}})
}

func (s *Site) loginPage(w http.ResponseWriter, r *http.Request) {
	ret := safeReturn(r.URL.Query().Get("return"))
	if visitOf(r).signedIn() {
		redirect(w, r, orDashboard(ret))
		return
	}
	s.render(w, r, http.StatusOK, "login", &page{Title: "Sign in", Data: &loginData{Return: ret, SignupHref: withReturn("/signup", ret)}})
}

// login checks a name or email and a password. Throttled addresses and
// accounts are refused before the password is looked at, so a right guess
// during a lockout teaches nothing. An unknown account costs the same
// bcrypt comparison as a known one and gets the same words.
func (s *Site) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ident := strings.TrimSpace(r.PostFormValue("login"))
	password := r.PostFormValue("password")
	ret := safeReturn(r.PostFormValue("return"))
	d := &loginData{Login: ident, Return: ret, SignupHref: withReturn("/signup", ret)}
	refuse := func(status int, msg string) {
		s.render(w, r, status, "login", &page{Title: "Sign in", Error: msg, Data: d})
	}
	if ident == "" || password == "" {
		refuse(http.StatusBadRequest, "Enter your username or email address and your password.")
		return
	}
	if len(ident) > account.MaxEmail || len(password) > 1024 {
		refuse(http.StatusUnauthorized, msgBadLogin)
		return
	}
	user, err := s.findUser(ctx, ident)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var userID int64
	hash := ""
	if user != nil {
		userID, hash = user.ID, user.PasswordHash
	}
	ipKey, accountKey := loginIPKey(clientIP(r)), loginAccountKey(userID, ident)
	if blocked, err := s.Throttle.Blocked(ctx, LoginIPLimit, ipKey); err != nil {
		s.serverError(w, r, err)
		return
	} else if blocked {
		refuse(http.StatusTooManyRequests, msgTooManyLogins)
		return
	}
	// Take counts the attempt before the check, so that a burst of
	// parallel guesses at one account gets no more than the limit checked.
	if ok, err := s.Throttle.Take(ctx, LoginAccountLimit, accountKey); err != nil {
		s.serverError(w, r, err)
		return
	} else if !ok {
		refuse(http.StatusTooManyRequests, msgTooManyLogins)
		return
	}
	if !account.VerifyPassword(hash, password) {
		err := s.Store.Update(ctx, func(tx store.Tx) error {
			if err := tx.RecordFailure(ctx, ipKey, s.now()); err != nil {
				return err
			}
			if user == nil {
				return nil
			}
			return s.event(ctx, tx, r, user.ID, "login_failed", "wrong password")
		})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		refuse(http.StatusUnauthorized, msgBadLogin)
		return
	}
	if err := s.Throttle.Clear(ctx, accountKey); err != nil {
		s.serverError(w, r, err)
		return
	}
	on, err := s.TwoFactor.Enabled(ctx, user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if on {
		if err := s.signIn(w, r, user, true, "", ""); err != nil {
			s.serverError(w, r, err)
			return
		}
		redirect(w, r, withReturn("/login/2fa", ret))
		return
	}
	if err := s.signIn(w, r, user, false, "login", "with a password"); err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, orDashboard(ret))
}

// findUser finds the account a sign-in form names: by email when the text
// has an '@' (usernames never do), else by name. nil when there is none.
func (s *Site) findUser(ctx context.Context, ident string) (*store.User, error) {
	var u *store.User
	var err error
	if strings.Contains(ident, "@") {
		u, err = s.Store.UserByEmail(ctx, ident)
	} else {
		u, err = s.Store.UserByName(ctx, ident)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// logout ends the browser's session, also one still owing its second
// factor.
func (s *Site) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	if v.session != nil {
		err := s.Store.Update(ctx, func(tx store.Tx) error {
			if err := tx.DeleteWebSession(ctx, v.session.ID); err != nil {
				return err
			}
			if v.session.Pending2FA {
				return nil
			}
			return s.event(ctx, tx, r, v.session.UserID, "logout", "")
		})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	redirect(w, r, "/")
}
