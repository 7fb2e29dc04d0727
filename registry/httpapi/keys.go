package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/store"
)

// Key domains hex.pm knows. shipyard has one repository and no
// organizations, but keeps the domains so keys made for hex.pm's shapes
// are accepted.
var keyDomains = map[string]bool{"api": true, "package": true, "repository": true, "repositories": true, "docs": true}

func (a *API) listKeys(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{})
	if err != nil {
		return err
	}
	keys, err := a.Store.Keys(ctx(r), who.user.ID)
	if err != nil {
		return err
	}
	a.writeKeys(w, r, keys, who.key)
	return nil
}

func (a *API) showKey(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{})
	if err != nil {
		return err
	}
	key, err := a.Store.KeyByName(ctx(r), who.user.ID, r.PathValue("name"))
	if err != nil {
		return err
	}
	if key.RevokedAt != nil {
		return errNotFound
	}
	cache(w, false)
	writeBody(w, r, http.StatusOK, a.keyView(key, who.key, ""))
	return nil
}

// ParsePermissions checks a key's permissions as hex.pm's key changeset
// does and normalises them; it is shared with the operator command.
func ParsePermissions(raw []store.Permission) ([]store.Permission, error) {
	if len(raw) == 0 {
		return []store.Permission{{Domain: "api"}}, nil
	}
	out := make([]store.Permission, 0, len(raw))
	for _, p := range raw {
		if !keyDomains[p.Domain] {
			return nil, errors.New("invalid permission domain " + p.Domain)
		}
		if p.Domain == "api" && p.Resource != "" && p.Resource != "read" && p.Resource != "write" {
			return nil, errors.New(`api permission resource must be "read" or "write"`)
		}
		if (p.Domain == "package" || p.Domain == "repository" || p.Domain == "docs") && p.Resource == "" {
			return nil, errors.New(p.Domain + " permission needs a resource")
		}
		out = append(out, p)
	}
	return out, nil
}

// createKey serves POST /api/keys {name, permissions: [{domain, resource}]}.
// The secret is in this response only.
func (a *API) createKey(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{write: true})
	if err != nil {
		return err
	}
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	name, _ := str(params, "name")
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 255 {
		return field("name", "can't be blank")
	}
	var raw []store.Permission
	if list, ok := params["permissions"].([]any); ok {
		for _, item := range list {
			m, _ := item.(map[string]any)
			domain, _ := str(m, "domain")
			resource, _ := str(m, "resource")
			raw = append(raw, store.Permission{Domain: domain, Resource: resource})
		}
	}
	perms, err := ParsePermissions(raw)
	if err != nil {
		return field("permissions", err.Error())
	}
	secret := apikey.NewSecret()
	lookup, verify := a.Keys.Hash(secret)
	key := &store.Key{UserID: who.user.ID, Name: name, Lookup: lookup, Verify: verify, Permissions: perms}
	err = a.Store.Update(ctx(r), func(tx store.Tx) error { return tx.CreateKey(ctx(r), key) })
	if errors.Is(err, store.ErrConflict) {
		return field("name", "has already been taken")
	}
	if err != nil {
		return err
	}
	a.log().Info("key created", "user", who.user.Username, "key", name)
	w.Header().Set("Location", a.url("/api/keys/%s", name))
	cache(w, false)
	writeBody(w, r, http.StatusCreated, a.keyView(key, who.key, secret))
	return nil
}

func (a *API) revokeKey(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{write: true})
	if err != nil {
		return err
	}
	var key *store.Key
	err = a.Store.Update(ctx(r), func(tx store.Tx) error {
		var err error
		key, err = tx.RevokeKey(ctx(r), who.user.ID, r.PathValue("name"), a.now())
		return err
	})
	if err != nil {
		return err
	}
	a.log().Info("key revoked", "user", who.user.Username, "key", key.Name)
	cache(w, false)
	writeBody(w, r, http.StatusOK, a.keyView(key, who.key, ""))
	return nil
}

func (a *API) revokeAllKeys(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{write: true})
	if err != nil {
		return err
	}
	var keys []store.Key
	err = a.Store.Update(ctx(r), func(tx store.Tx) error {
		var err error
		keys, err = tx.RevokeAllKeys(ctx(r), who.user.ID, a.now())
		return err
	})
	if err != nil {
		return err
	}
	a.log().Info("all keys revoked", "user", who.user.Username, "count", len(keys))
	a.writeKeys(w, r, keys, who.key)
	return nil
}

// writeKeys answers with a list of keys, none with its secret.
func (a *API) writeKeys(w http.ResponseWriter, r *http.Request, keys []store.Key, authing *store.Key) {
	out := make([]any, 0, len(keys))
	for i := range keys {
		out = append(out, a.keyView(&keys[i], authing, ""))
	}
	cache(w, false)
	writeBody(w, r, http.StatusOK, out)
}
