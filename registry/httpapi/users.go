package httpapi

import (
	"net/http"
)

// me serves GET /api/users/me. The Hex client calls it before publishing
// and needs the organizations list, which is empty: shipyard has no
// organizations.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{})
	if err != nil {
		return err
	}
	view, err := a.userView(r, who.user)
	if err != nil {
		return err
	}
	view["organizations"] = []any{}
	cache(w, false)
	writeBody(w, r, http.StatusOK, view)
	return nil
}

func (a *API) showUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.optional(r); err != nil {
		return err
	}
	user, err := findUser(ctx(r), a.Store, r.PathValue("name"))
	if err != nil {
		return err
	}
	view, err := a.userView(r, user)
	if err != nil {
		return err
	}
	cache(w, true)
	writeBody(w, r, http.StatusOK, view)
	return nil
}

// authCheck serves GET /api/auth?domain=D&resource=R: 204 when the
// credential grants that access (hex.pm answers keys with the key's view).
func (a *API) authCheck(w http.ResponseWriter, r *http.Request) error {
	who, err := a.authenticate(r)
	if err != nil {
		return err
	}
	if who == nil {
		return errMissingAuth
	}
	q := r.URL.Query()
	if !who.grants(q.Get("domain"), q.Get("resource"), a.Repo.Name()) {
		return errKeyNotAllowed
	}
	cache(w, false)
	if who.key != nil {
		writeBody(w, r, http.StatusOK, a.keyView(who.key, who.key, ""))
		return nil
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
