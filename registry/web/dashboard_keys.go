package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/httpapi"
	"github.com/hexship/ship/registry/store"
)

// keysData fills the API keys page.
type keysData struct {
	Keys     []keyRow
	Packages []string // the packages the user owns, for package permissions
	Repo     string   // the repository name package permissions carry
	Name     string   // the name typed, kept after a refused form
	Checked  map[string]bool
	Created  *createdKey // the key just made, shown once; nil otherwise
}

// keyRow is one key as the page lists it: never its secret, which the
// registry does not have.
type keyRow struct {
	Name        string
	Permissions []string
	CreatedAt   time.Time
	LastUse     *store.KeyUse
	Agent       string // LastUse's user agent, shortened
}

// createdKey is a key made by this request, with its secret.
type createdKey struct {
	Name   string
	Secret string
}

// keyNotices are the outcomes a redirect to the keys page names.
var keyNotices = map[string]string{
	"revoked": "The key was revoked. Programs using it can no longer sign in with it.",
}

func (s *Site) keysPage(w http.ResponseWriter, r *http.Request) {
	s.showKeys(w, r, http.StatusOK, keyNotices[r.URL.Query().Get("done")], "", nil, &keysData{})
}

// showKeys renders the keys page; d carries what the form kept and the
// key just created, if any.
func (s *Site) showKeys(w http.ResponseWriter, r *http.Request, status int, notice, problem string, created *createdKey, d *keysData) {
	ctx := r.Context()
	v := visitOf(r)
	keys, err := s.Store.Keys(ctx, v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	owned, err := s.ownedNames(ctx, v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, k := range keys {
		row := keyRow{Name: k.Name, CreatedAt: k.CreatedAt, LastUse: k.LastUse}
		for _, p := range k.Permissions {
			row.Permissions = append(row.Permissions, permissionText(p))
		}
		if k.LastUse != nil {
			row.Agent = shortAgent(k.LastUse.UserAgent)
		}
		d.Keys = append(d.Keys, row)
	}
	d.Packages, d.Repo, d.Created = owned, s.repoName(), created
	if d.Checked == nil {
		d.Checked = map[string]bool{"api:read": true}
	}
	s.render(w, r, status, "dashboard_keys", &page{Title: "API keys", Notice: notice, Error: problem, Data: d})
}

// repoName is the repository package permissions name.
func (s *Site) repoName() string {
	if s.RepoName == "" {
		return "hexpm"
	}
	return s.RepoName
}

// ownedNames lists the names of the packages the user owns.
func (s *Site) ownedNames(ctx context.Context, userID int64) ([]string, error) {
	pkgs, err := s.Store.PackagesOwnedBy(ctx, userID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(pkgs))
	for _, p := range pkgs {
		names = append(names, p.Name)
	}
	return names, nil
}

// permissionText writes a permission as hex.pm's clients do:
// "api", "api:read", "package:hexpm/NAME".
func permissionText(p store.Permission) string {
	if p.Resource == "" {
		return p.Domain
	}
	return p.Domain + ":" + p.Resource
}

// errNotOwner refuses a package permission for a package the person does
// not own.
type errNotOwner string

func (e errNotOwner) Error() string {
	return "You do not own a package named " + string(e) + ", so a key cannot be given access to it."
}

// keyPermissions turns the ticked boxes into a key's permissions: "api",
// "api:read", "api:write", or "package:NAME" for a package the person
// owns. hex.pm's rules (httpapi.ParsePermissions) then check them.
func (s *Site) keyPermissions(ticked []string, owned []string) ([]store.Permission, error) {
	var raw []store.Permission
	for _, t := range ticked {
		switch {
		case t == "api":
			raw = append(raw, store.Permission{Domain: "api"})
		case t == "api:read" || t == "api:write":
			raw = append(raw, store.Permission{Domain: "api", Resource: strings.TrimPrefix(t, "api:")})
		case strings.HasPrefix(t, "package:") && len(t) > len("package:"):
			name := strings.TrimPrefix(t, "package:")
			if !slices.Contains(owned, name) {
				return nil, errNotOwner(name)
			}
			raw = append(raw, store.Permission{Domain: "package", Resource: s.repoName() + "/" + name})
		default:
			return nil, errors.New("The permission " + t + " is not one this site offers.")
		}
	}
	if len(raw) == 0 {
		// hex.pm would grant everything; a person who ticked nothing more
		// likely forgot.
		return nil, errors.New("Choose at least one permission.")
	}
	return httpapi.ParsePermissions(raw)
}

// keyCreate makes a key and shows its secret, this once.
func (s *Site) keyCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	ticked := r.PostForm["permission"]
	kept := &keysData{Name: name, Checked: map[string]bool{}}
	for _, t := range ticked {
		kept.Checked[t] = true
	}
	if name == "" || utf8.RuneCountInString(name) > 255 {
		s.showKeys(w, r, http.StatusBadRequest, "", "Give the key a name of up to 255 characters, such as the machine or service that will use it.", nil, kept)
		return
	}
	owned, err := s.ownedNames(ctx, v.user.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	perms, err := s.keyPermissions(ticked, owned)
	if err != nil {
		s.showKeys(w, r, http.StatusBadRequest, "", sentence(err), nil, kept)
		return
	}
	secret := apikey.NewSecret()
	lookup, verify := s.Keys.Hash(secret)
	key := &store.Key{UserID: v.user.ID, Name: name, Lookup: lookup, Verify: verify, Permissions: perms}
	texts := make([]string, 0, len(perms))
	for _, p := range perms {
		texts = append(texts, permissionText(p))
	}
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateKey(ctx, key); err != nil {
			return err
		}
		return s.event(ctx, tx, r, v.user.ID, "key_created", name+": "+strings.Join(texts, ", "))
	})
	if errors.Is(err, store.ErrConflict) {
		s.showKeys(w, r, http.StatusConflict, "", "You already have a key named "+name+". Choose another name, or revoke that key first.", nil, kept)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log().Info("key created on the website", "user", v.user.Username, "key", name)
	s.showKeys(w, r, http.StatusCreated, "The key "+name+" was created.", "", &createdKey{Name: name, Secret: secret}, &keysData{})
}

// keyRevoke revokes one key, by name.
func (s *Site) keyRevoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(r)
	name := r.PostFormValue("name")
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.RevokeKey(ctx, v.user.ID, name, s.now()); err != nil {
			return err
		}
		return s.event(ctx, tx, r, v.user.ID, "key_revoked", name)
	})
	if errors.Is(err, store.ErrNotFound) {
		s.showKeys(w, r, http.StatusNotFound, "", "You have no key named "+name+": it may have been revoked already.", nil, &keysData{})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log().Info("key revoked on the website", "user", v.user.Username, "key", name)
	redirect(w, r, "/dashboard/keys?done=revoked")
}
