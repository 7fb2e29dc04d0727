package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/hexship/ship/registry/store"
)

// dashboardData fills the dashboard.
type dashboardData struct {
	TwoFactor     bool
	EnabledAt     time.Time
	RecoveryLeft  int
	SessionExpiry time.Time
}

// twoFactorStatus reads whether the user has 2FA, since when, and how many
// recovery codes are left.
func (s *Site) twoFactorStatus(r *http.Request, userID int64) (on bool, since time.Time, left int, err error) {
	t, err := s.Store.TOTP(r.Context(), userID)
	if errors.Is(err, store.ErrNotFound) {
		return false, time.Time{}, 0, nil
	}
	if err != nil {
		return false, time.Time{}, 0, err
	}
	left, err = s.Store.RecoveryCodesLeft(r.Context(), userID)
	return true, t.EnabledAt, left, err
}

func (s *Site) dashboard(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	on, since, left, err := s.twoFactorStatus(r, v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", &page{Title: "Dashboard", Data: &dashboardData{
		TwoFactor: on, EnabledAt: since, RecoveryLeft: left, SessionExpiry: v.session.ExpiresAt,
	}})
}
