package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hexship/ship/registry/oauth"
)

// deviceData fills the page where a person types a device's code.
type deviceData struct {
	UserCode string
}

// displayCode is what the code field shows for what a link or a person
// gave: XXXX-XXXX when it is a code's shape, else the text as typed.
func displayCode(typed string) string {
	if n := oauth.NormalizeUserCode(typed); len(n) == 8 {
		return oauth.FormatUserCode(n)
	}
	if len(typed) > 32 {
		return ""
	}
	return typed
}

func (s *Site) devicePage(w http.ResponseWriter, r *http.Request) {
	s.showDevice(w, r, http.StatusOK, r.URL.Query().Get("user_code"), "")
}

func (s *Site) showDevice(w http.ResponseWriter, r *http.Request, status int, typed, problem string) {
	s.render(w, r, status, "device", &page{Title: "Connect a device", Error: problem, Data: &deviceData{UserCode: displayCode(typed)}})
}

// isCodeError reports whether err is one of the approval errors that say
// something about the code typed.
func isCodeError(err error) bool {
	return errors.Is(err, oauth.ErrUnknownCode) || errors.Is(err, oauth.ErrExpiredCode) || errors.Is(err, oauth.ErrProcessedCode)
}

// deviceBlocked reports whether the person or their address typed too
// many wrong codes lately.
func (s *Site) deviceBlocked(r *http.Request) (bool, error) {
	ctx := r.Context()
	if b, err := s.Throttle.Blocked(ctx, DeviceUserLimit, deviceUserKey(visitOf(r).user.ID)); err != nil || b {
		return b, err
	}
	return s.Throttle.Blocked(ctx, DeviceIPLimit, deviceIPKey(clientIP(r)))
}

// deviceFailed counts a wrong code for the person and their address.
func (s *Site) deviceFailed(r *http.Request) error {
	return s.Throttle.Fail(r.Context(), deviceUserKey(visitOf(r).user.ID), deviceIPKey(clientIP(r)))
}

// pendingDevice finds the pending authorization of a typed code, counting
// every miss: a signed-in script must not be able to try codes until one
// belongs to someone else's device. problem is set (and p nil) when the
// code cannot be approved, with the status to answer.
func (s *Site) pendingDevice(r *http.Request, typed string) (p *oauth.Pending, status int, problem string, err error) {
	if blocked, err := s.deviceBlocked(r); err != nil {
		return nil, 0, "", err
	} else if blocked {
		return nil, http.StatusTooManyRequests, msgTooManyDevices, nil
	}
	p, err = s.Devices.PendingDevice(r.Context(), typed)
	if isCodeError(err) {
		if ferr := s.deviceFailed(r); ferr != nil {
			return nil, 0, "", ferr
		}
		return nil, http.StatusBadRequest, err.Error(), nil
	}
	if err != nil {
		return nil, 0, "", err
	}
	return p, http.StatusOK, "", nil
}

// deviceCode checks a typed code and moves on to the approval page.
func (s *Site) deviceCode(w http.ResponseWriter, r *http.Request) {
	typed := r.PostFormValue("user_code")
	p, status, problem, err := s.pendingDevice(r, typed)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p == nil {
		s.showDevice(w, r, status, typed, problem)
		return
	}
	redirect(w, r, "/oauth/device/authorize?user_code="+queryEscape(p.Code.UserCode))
}

// scopeChoice is one checkbox of the approval page.
type scopeChoice struct {
	ID          string
	Name        string
	Description string
	Checked     bool
	Disabled    bool
	Note        string // why it is checked or disabled
	NeedsTOTP   bool   // disabled for want of two-factor authentication
}

// authorizeData fills the approval page.
type authorizeData struct {
	UserCode    string // stored form, for the form
	Display     string // XXXX-XXXX
	ClientName  string
	DeviceName  string
	IP          string
	RequestedAt time.Time
	Scopes      []scopeChoice
	EnrolHref   string
}

func (s *Site) authorizePage(w http.ResponseWriter, r *http.Request) {
	typed := r.URL.Query().Get("user_code")
	p, status, problem, err := s.pendingDevice(r, typed)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p == nil {
		s.showDevice(w, r, status, typed, problem)
		return
	}
	s.showAuthorize(w, r, http.StatusOK, p, nil, "")
}

// showAuthorize renders the approval page. selected is the person's last
// choice, nil for the first showing (everything available is checked).
func (s *Site) showAuthorize(w http.ResponseWriter, r *http.Request, status int, p *oauth.Pending, selected []string, problem string) {
	v := visitOf(r)
	on, err := s.TwoFactor.Enabled(r.Context(), v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &authorizeData{
		UserCode:    p.Code.UserCode,
		Display:     oauth.FormatUserCode(p.Code.UserCode),
		ClientName:  p.ClientName,
		DeviceName:  p.Code.Name,
		IP:          p.Code.IP,
		RequestedAt: p.Code.CreatedAt,
		EnrolHref:   withReturn("/dashboard/security/totp", "/oauth/device/authorize?user_code="+queryEscape(p.Code.UserCode)),
	}
	for i, sc := range p.Code.Scopes {
		c := scopeChoice{ID: "scope-" + strconv.Itoa(i), Name: sc, Description: oauth.DescribeScope(sc)}
		switch {
		case sc == oauth.RequiredScope:
			c.Checked, c.Disabled, c.Note = true, true, "Always granted: a login must at least read."
		case oauth.IsWriteScope(sc) && !on:
			c.Disabled, c.NeedsTOTP = true, true
			c.Note = "Needs two-factor authentication, which your account does not have yet."
		default:
			c.Checked = selected == nil || slices.Contains(selected, sc)
		}
		d.Scopes = append(d.Scopes, c)
	}
	s.render(w, r, status, "device_authorize", &page{Title: "Authorize " + p.ClientName, Error: problem, Data: d})
}

// authorize approves or denies the device with the scopes chosen.
func (s *Site) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	typed := r.PostFormValue("user_code")
	selected := append(slices.Clone(r.PostForm["selected_scopes[]"]), r.PostForm["selected_scopes"]...)
	if blocked, err := s.deviceBlocked(r); err != nil {
		s.serverError(w, r, err)
		return
	} else if blocked {
		s.showDevice(w, r, http.StatusTooManyRequests, typed, msgTooManyDevices)
		return
	}
	use := s.use(r)
	var err error
	action := r.PostFormValue("action")
	switch action {
	case "authorize":
		err = s.Devices.Approve(ctx, typed, v.user, selected, use)
	case "deny":
		err = s.Devices.Deny(ctx, typed, v.user, use)
	default:
		err = errNoAction
	}
	switch {
	case isCodeError(err):
		if err := s.deviceFailed(r); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.showDevice(w, r, http.StatusBadRequest, typed, err.Error())
		return
	case errors.Is(err, oauth.ErrWriteNeeds2FA), errors.Is(err, oauth.ErrBadScopes), errors.Is(err, errNoAction):
		// Show the choice again. Without a button pressed the code was not
		// looked at yet, so this lookup counts a wrong one like any other.
		p, status, problem, perr := s.pendingDevice(r, typed)
		if perr != nil {
			s.serverError(w, r, perr)
			return
		}
		if p == nil {
			s.showDevice(w, r, status, typed, problem)
			return
		}
		s.showAuthorize(w, r, http.StatusBadRequest, p, selected, err.Error())
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if action == "deny" {
		s.render(w, r, http.StatusOK, "message", &page{Title: "Request denied", Data: &messageData{
			Paragraphs: []string{"Request denied.", "The device gets no access to your account. If you did not start this login, someone may have tried to trick you into approving it; you need not do anything else."},
		}})
		return
	}
	s.render(w, r, http.StatusOK, "message", &page{Title: "Device authorized", Data: &messageData{
		Paragraphs: []string{"Device authorized. You can return to your terminal."},
		LinkHref:   "/dashboard", LinkText: "Go to your dashboard",
	}})
}

// errNoAction: the approval form came back with neither button. Its
// words are shown on the page, like oauth's approval errors.
var errNoAction = errors.New("Choose Authorize or Deny.")
