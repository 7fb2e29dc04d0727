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
	Packages      []ownedPackage
}

// ownedPackage is one of the user's packages and their level of
// ownership.
type ownedPackage struct {
	Name        string
	Description string
	Level       store.OwnerLevel
}

// ownedPackages lists the user's packages, by name, with their level.
func (s *Site) ownedPackages(r *http.Request, userID int64) ([]ownedPackage, error) {
	ctx := r.Context()
	pkgs, err := s.Store.PackagesOwnedBy(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]ownedPackage, 0, len(pkgs))
	for _, p := range pkgs {
		owners, err := s.Store.Owners(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		op := ownedPackage{Name: p.Name, Description: p.Meta.Description}
		for _, o := range owners {
			if o.User.ID == userID {
				op.Level = o.Level
			}
		}
		out = append(out, op)
	}
	return out, nil
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
	pkgs, err := s.ownedPackages(r, v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", &page{Title: "Dashboard", Data: &dashboardData{
		TwoFactor: on, EnabledAt: since, RecoveryLeft: left, SessionExpiry: v.session.ExpiresAt, Packages: pkgs,
	}})
}
