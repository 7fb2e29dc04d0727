package web

import (
	"net/http"
	"time"
)

// logShown is how many of the newest security events the log page lists.
const logShown = 200

// logData fills the security log page.
type logData struct {
	Events []logRow
}

// logRow is one event as the log lists it.
type logRow struct {
	At     time.Time
	What   string
	Detail string
	IP     string
	Agent  string // shortened
	Full   string // the whole user agent, for the tooltip
}

// logPage lists the user's security log, newest first: sign-ins,
// confirmations, device approvals, key and 2FA changes.
func (s *Site) logPage(w http.ResponseWriter, r *http.Request) {
	events, err := s.Store.SecurityEvents(r.Context(), visitOf(r).user.ID, logShown)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &logData{}
	for _, e := range events {
		d.Events = append(d.Events, logRow{At: e.At, What: eventName(e.Kind), Detail: e.Detail, IP: e.IP, Agent: shortAgent(e.UserAgent), Full: e.UserAgent})
	}
	s.render(w, r, http.StatusOK, "dashboard_log", &page{Title: "Security log", Data: d})
}
