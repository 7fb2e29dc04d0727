package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/hexship/ship/registry/account"
	"github.com/hexship/ship/registry/store"
)

// signupData fills the sign-up form.
type signupData struct {
	Username string
	Email    string
	Return   string
}

// signupClosed answers when the operator creates the accounts.
func (s *Site) signupClosed(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusNotFound, "Sign-up is closed",
		"Accounts on this registry are created by its operator. Ask them for one, then sign in.")
}

func (s *Site) signupPage(w http.ResponseWriter, r *http.Request) {
	if !s.SignupOpen {
		s.signupClosed(w, r)
		return
	}
	ret := safeReturn(r.URL.Query().Get("return"))
	if visitOf(r).signedIn() {
		redirect(w, r, orDashboard(ret))
		return
	}
	s.render(w, r, http.StatusOK, "signup", &page{Title: "Create an account", Data: &signupData{Return: ret}})
}

// signup creates an account with the rules `shipyard user add` applies,
// and signs the browser in to it at once (there is no mail to confirm).
func (s *Site) signup(w http.ResponseWriter, r *http.Request) {
	if !s.SignupOpen {
		s.signupClosed(w, r)
		return
	}
	ctx := r.Context()
	d := &signupData{
		Username: strings.TrimSpace(r.PostFormValue("username")),
		Email:    strings.TrimSpace(r.PostFormValue("email")),
		Return:   safeReturn(r.PostFormValue("return")),
	}
	password := r.PostFormValue("password")
	refuse := func(status int, msg string) {
		s.render(w, r, status, "signup", &page{Title: "Create an account", Error: msg, Data: d})
	}
	if err := account.CheckUsername(d.Username); err != nil {
		refuse(http.StatusBadRequest, sentence(err))
		return
	}
	if err := account.CheckEmail(d.Email); err != nil {
		refuse(http.StatusBadRequest, "Email: "+sentence(err))
		return
	}
	if err := account.CheckPassword(password); err != nil {
		refuse(http.StatusBadRequest, sentence(err))
		return
	}
	ipKey := signupIPKey(clientIP(r))
	if blocked, err := s.Throttle.Blocked(ctx, SignupIPLimit, ipKey); err != nil {
		s.serverError(w, r, err)
		return
	} else if blocked {
		refuse(http.StatusTooManyRequests, msgTooManySignups)
		return
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	user := &store.User{Username: d.Username, Email: d.Email, PasswordHash: hash}
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, user); err != nil {
			return err
		}
		if err := tx.RecordFailure(ctx, ipKey, s.now()); err != nil {
			return err
		}
		return s.event(ctx, tx, r, user.ID, "signup", "")
	})
	if errors.Is(err, store.ErrConflict) {
		refuse(http.StatusConflict, "That username or email address is already taken.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.signIn(w, r, user, false, "login", "at sign-up"); err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, orDashboard(d.Return))
}

// sentence capitalises an error message and ends it with a full stop, for
// a page.
func sentence(err error) string {
	msg := err.Error()
	if msg == "" {
		return msg
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	msg = string(r)
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
