package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/store"
)

// sessionsData fills the page of device logins.
type sessionsData struct {
	Sessions []sessionRow
}

// sessionRow is one device login as the page lists it.
type sessionRow struct {
	ID        int64
	Client    string // the client's name, e.g. "ship"
	Device    string // the name the device gave
	FromKey   bool   // made by exchanging an API key, not by a person's approval
	Scopes    []string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastUse   *store.KeyUse
	Agent     string // LastUse's user agent, shortened
}

// sessionNotices are the outcomes a redirect to the sessions page names.
var sessionNotices = map[string]string{
	"revoked": "The device was logged out. Its tokens no longer work; it must log in again.",
}

// clientName names an OAuth client for people; an unknown one by its ID.
func clientName(id string) string {
	for _, c := range oauth.DefaultClients() {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

func (s *Site) sessionsPage(w http.ResponseWriter, r *http.Request) {
	s.showSessions(w, r, http.StatusOK, sessionNotices[r.URL.Query().Get("done")], "")
}

// showSessions renders the user's live device logins, newest first.
func (s *Site) showSessions(w http.ResponseWriter, r *http.Request, status int, notice, problem string) {
	list, err := s.Devices.Sessions(r.Context(), visitOf(r).user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &sessionsData{}
	for _, se := range list {
		row := sessionRow{
			ID: se.ID, Client: clientName(se.ClientID), Device: se.Name, FromKey: se.KeyID != 0,
			Scopes: se.Scopes, CreatedAt: se.CreatedAt, ExpiresAt: se.ExpiresAt, LastUse: se.LastUse,
		}
		if se.LastUse != nil {
			row.Agent = shortAgent(se.LastUse.UserAgent)
		}
		d.Sessions = append(d.Sessions, row)
	}
	s.render(w, r, status, "dashboard_sessions", &page{Title: "Devices", Notice: notice, Error: problem, Data: d})
}

// sessionRevoke logs one device out: its refresh and access tokens die
// with its session.
func (s *Site) sessionRevoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	id, err := strconv.ParseInt(r.PostFormValue("session"), 10, 64)
	var se *store.OAuthSession
	if err == nil {
		se, err = s.Store.OAuthSession(ctx, id)
	}
	if err == nil && (se.UserID != v.user.ID || se.RevokedAt != nil) {
		err = store.ErrNotFound
	}
	if err == nil {
		err = s.Devices.RevokeSession(ctx, v.user.ID, id)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, strconv.ErrSyntax) && !errors.Is(err, strconv.ErrRange) {
		s.serverError(w, r, err)
		return
	}
	if err != nil {
		s.showSessions(w, r, http.StatusNotFound, "", "That device is not logged in to your account: it may have been logged out already.")
		return
	}
	if err := s.addEvent(r, v.user.ID, "session_revoked", se.Name+" ("+clientName(se.ClientID)+")"); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log().Info("device logged out on the website", "user", v.user.Username, "session", id)
	redirect(w, r, "/dashboard/sessions?done=revoked")
}
