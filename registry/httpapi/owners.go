package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/hexship/ship/registry/store"
)

// Owner rule messages, word for word as hex.pm sends them.
const (
	msgNotOwner       = "user is not an owner of package"
	msgLastOwner      = "cannot remove last owner of package"
	msgLastFullOwner  = "cannot remove the last full owner of package"
	msgDemoteLastFull = "cannot demote the last full owner of a package"
	msgInvalidLevel   = "is invalid"
)

// levelRank orders levels so that "at least maintainer" is a comparison.
func levelRank(l store.OwnerLevel) int {
	switch l {
	case store.LevelFull:
		return 2
	case store.LevelMaintainer:
		return 1
	}
	return 0
}

// ownerCheck returns errForbidden unless user owns pkg at least at level.
func ownerCheck(c context.Context, r store.Reader, pkg *store.Package, user *store.User, level store.OwnerLevel) error {
	owners, err := r.Owners(c, pkg.ID)
	if err != nil {
		return err
	}
	for _, o := range owners {
		if o.User.ID == user.ID && levelRank(o.Level) >= levelRank(level) {
			return nil
		}
	}
	return errForbidden
}

// checkOwner checks ownership of an existing package by name; a package
// that does not exist yet may be created by anyone with write access.
func (a *API) checkOwner(r *http.Request, who *principal, name string, level store.OwnerLevel) error {
	pkg, err := a.Store.Package(ctx(r), name)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return ownerCheck(ctx(r), a.Store, pkg, who.user, level)
}

// packageOwners loads the owners of the package in the path, for the
// public owner reads.
func (a *API) packageOwners(r *http.Request) ([]store.Owner, error) {
	if _, err := a.optional(r); err != nil {
		return nil, err
	}
	pkg, err := a.Store.Package(ctx(r), r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return a.Store.Owners(ctx(r), pkg.ID)
}

func (a *API) listOwners(w http.ResponseWriter, r *http.Request) error {
	owners, err := a.packageOwners(r)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(owners))
	for _, o := range owners {
		out = append(out, a.ownerView(&o))
	}
	cache(w, true)
	writeBody(w, r, http.StatusOK, out)
	return nil
}

func (a *API) showOwner(w http.ResponseWriter, r *http.Request) error {
	owners, err := a.packageOwners(r)
	if err != nil {
		return err
	}
	for _, o := range owners {
		if strings.EqualFold(o.User.Username, r.PathValue("user")) {
			cache(w, true)
			writeBody(w, r, http.StatusOK, a.ownerView(&o))
			return nil
		}
	}
	return errNotFound
}

// findUser looks an account up by username or, when it has an @, email.
func findUser(c context.Context, rd store.Reader, nameOrEmail string) (*store.User, error) {
	if strings.Contains(nameOrEmail, "@") {
		return rd.UserByEmail(c, nameOrEmail)
	}
	return rd.UserByName(c, nameOrEmail)
}

// ownerChange is the state an owner change works on, read in its transaction.
type ownerChange struct {
	tx     store.Tx
	pkg    *store.Package
	user   *store.User   // the owner being added, changed or removed
	owners []store.Owner // the current owners
}

// changeOwners runs fn in a transaction once the caller is known to be a
// full owner of the package in the path, as hex.pm requires for managing
// owners; it returns the caller.
func (a *API) changeOwners(r *http.Request, fn func(ch *ownerChange) error) (*principal, error) {
	who, err := a.require(r, access{write: true, pkgName: r.PathValue("name")})
	if err != nil {
		return nil, err
	}
	err = a.Store.Update(ctx(r), func(tx store.Tx) error {
		c := ctx(r)
		ch := &ownerChange{tx: tx}
		var err error
		if ch.pkg, err = tx.Package(c, r.PathValue("name")); err != nil {
			return err
		}
		if err := ownerCheck(c, tx, ch.pkg, who.user, store.LevelFull); err != nil {
			return err
		}
		if ch.user, err = findUser(c, tx, r.PathValue("user")); err != nil {
			return err
		}
		if ch.owners, err = tx.Owners(c, ch.pkg.ID); err != nil {
			return err
		}
		return fn(ch)
	})
	return who, err
}

// addOwner serves PUT /api/packages/NAME/owners/USER with {level, transfer}.
func (a *API) addOwner(w http.ResponseWriter, r *http.Request) error {
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	level := store.LevelFull
	if v, ok := params["level"]; ok && v != nil {
		s, _ := v.(string)
		level = store.OwnerLevel(s)
		if levelRank(level) == 0 {
			return field("level", msgInvalidLevel)
		}
	}
	transfer, _ := boolParam(params["transfer"])
	who, err := a.changeOwners(r, func(ch *ownerChange) error {
		c := ctx(r)
		if transfer {
			for _, o := range ch.owners {
				if o.User.ID != ch.user.ID {
					if err := ch.tx.RemoveOwner(c, ch.pkg.ID, o.User.ID); err != nil {
						return err
					}
				}
			}
			return ch.tx.SetOwner(c, ch.pkg.ID, ch.user.ID, store.LevelFull)
		}
		if level != store.LevelFull && isLastFull(ch.owners, ch.user.ID) {
			return field("username", msgDemoteLastFull)
		}
		return ch.tx.SetOwner(c, ch.pkg.ID, ch.user.ID, level)
	})
	if err != nil {
		return err
	}
	a.log().Info("owner set", "package", r.PathValue("name"), "owner", r.PathValue("user"), "level", level, "transfer", transfer, "by", who.user.Username)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// isLastFull reports whether userID is the package's only full owner.
func isLastFull(owners []store.Owner, userID int64) bool {
	full, isFull := 0, false
	for _, o := range owners {
		if o.Level == store.LevelFull {
			full++
			if o.User.ID == userID {
				isFull = true
			}
		}
	}
	return isFull && full == 1
}

func (a *API) removeOwner(w http.ResponseWriter, r *http.Request) error {
	who, err := a.changeOwners(r, func(ch *ownerChange) error {
		owned := false
		for _, o := range ch.owners {
			owned = owned || o.User.ID == ch.user.ID
		}
		switch {
		case !owned:
			return field("username", msgNotOwner)
		case len(ch.owners) == 1:
			return field("username", msgLastOwner)
		case isLastFull(ch.owners, ch.user.ID):
			return field("username", msgLastFullOwner)
		}
		return ch.tx.RemoveOwner(ctx(r), ch.pkg.ID, ch.user.ID)
	})
	if err != nil {
		return err
	}
	a.log().Info("owner removed", "package", r.PathValue("name"), "owner", r.PathValue("user"), "by", who.user.Username)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
