package httpapi

import (
	"net/http"
	"unicode/utf8"

	"github.com/hexship/ship/hexmeta"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/store"
)

// findRelease loads the package and release named in the path. A version
// that is not SemVer is a 400, as on hex.pm.
func (a *API) findRelease(r *http.Request, rd store.Reader) (*store.Package, *store.Release, error) {
	version := r.PathValue("version")
	if _, err := hexmeta.ParseVersion(version); err != nil {
		return nil, nil, newError(http.StatusBadRequest, "invalid version: "+version)
	}
	pkg, err := rd.Package(ctx(r), r.PathValue("name"))
	if err != nil {
		return nil, nil, err
	}
	rel, err := rd.Release(ctx(r), pkg.ID, version)
	if err != nil {
		return nil, nil, err
	}
	return pkg, rel, nil
}

func (a *API) showRelease(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.optional(r); err != nil {
		return err
	}
	pkg, rel, err := a.findRelease(r, a.Store)
	if err != nil {
		return err
	}
	view, err := a.releaseView(r, pkg, rel)
	if err != nil {
		return err
	}
	cache(w, true)
	writeBody(w, r, http.StatusOK, view)
	return nil
}

// writeRelease authorises the caller and runs changeRelease for a change
// that shows in the signed repository (retire, unretire, revert).
func (a *API) writeRelease(r *http.Request, fn func(tx store.Tx, pkg *store.Package, rel *store.Release) error, after ...func(tx store.Tx, pkg *store.Package) error) (*principal, error) {
	who, err := a.require(r, access{write: true, pkgName: r.PathValue("name")})
	if err != nil {
		return nil, err
	}
	return who, a.changeRelease(r, who, true, fn, after...)
}

// changeRelease runs fn on the release in the path, which who must be
// allowed to write to (a maintainer or full owner), in one transaction.
// With resign it then refreshes the package's repository files and runs
// each of after in the same transaction. Changes the signed files do not
// carry (docs) leave them, and the index generation, alone: re-signing
// would only cost a rebuild of /names and /versions.
func (a *API) changeRelease(r *http.Request, who *principal, resign bool, fn func(tx store.Tx, pkg *store.Package, rel *store.Release) error, after ...func(tx store.Tx, pkg *store.Package) error) error {
	return a.Store.Update(ctx(r), func(tx store.Tx) error {
		pkg, rel, err := a.findRelease(r, tx)
		if err != nil {
			return err
		}
		if err := ownerCheck(ctx(r), tx, pkg, who.user, store.LevelMaintainer); err != nil {
			return err
		}
		if err := fn(tx, pkg, rel); err != nil {
			return err
		}
		if !resign {
			return nil
		}
		if err := a.Repo.Refresh(ctx(r), tx, pkg); err != nil {
			return err
		}
		for _, f := range after {
			if err := f(tx, pkg); err != nil {
				return err
			}
		}
		return nil
	})
}

// revertRelease serves DELETE .../releases/VERSION: a release can be
// removed within an hour of its first publication. Removing the last one
// removes the package, in the same transaction, so its name is free again
// as on hex.pm.
func (a *API) revertRelease(w http.ResponseWriter, r *http.Request) error {
	var blobs []string
	who, err := a.writeRelease(r, func(tx store.Tx, pkg *store.Package, rel *store.Release) error {
		blobs = nil
		if !repo.Editable(pkg, rel, a.now()) {
			return field("inserted_at", msgDeleteWindow)
		}
		if err := tx.DeleteRelease(ctx(r), rel.ID); err != nil {
			return err
		}
		blobs = append(blobs, rel.BlobKey)
		if rel.HasDocs() {
			blobs = append(blobs, rel.DocsKey)
		}
		pkg.UpdatedAt = a.now()
		return tx.UpdatePackage(ctx(r), pkg)
	}, func(tx store.Tx, pkg *store.Package) error {
		left, err := tx.Releases(ctx(r), pkg.ID)
		if err != nil || len(left) > 0 {
			return err
		}
		return tx.DeletePackage(ctx(r), pkg.ID)
	})
	if err != nil {
		return err
	}
	// Only now that nothing refers to them; a crash before this line
	// leaves orphan files, never a release without its tarball.
	for _, key := range blobs {
		a.Blobs.Delete(cleanupCtx(r), key)
	}
	a.log().Info("reverted", "package", r.PathValue("name"), "version", r.PathValue("version"), "user", who.user.Username)
	cache(w, false)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Retirement reasons hex.pm accepts.
var retireReasons = map[string]bool{"other": true, "invalid": true, "security": true, "deprecated": true, "renamed": true}

// retirementParams reads {reason, message} with hex.pm's changeset rules
// and Ecto's wording; problems are returned as the 422 errors object, not
// raised, so that callers report them only after authorisation.
func retirementParams(params map[string]any) (*store.Retirement, map[string]any) {
	reason, _ := str(params, "reason")
	message, _ := str(params, "message")
	errs := map[string]any{}
	switch {
	case reason == "":
		errs["reason"] = "can't be blank"
	case !retireReasons[reason]:
		errs["reason"] = "is invalid"
	}
	switch n := utf8.RuneCountInString(message); {
	case message == "":
	case n < 3:
		errs["message"] = "should be at least 3 character(s)"
	case n > 140:
		errs["message"] = "should be at most 140 character(s)"
	}
	if len(errs) > 0 {
		return nil, map[string]any{"retirement": errs}
	}
	return &store.Retirement{Reason: reason, Message: message}, nil
}

func (a *API) retire(w http.ResponseWriter, r *http.Request) error {
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	retirement, errs := retirementParams(params)
	who, err := a.writeRelease(r, func(tx store.Tx, pkg *store.Package, rel *store.Release) error {
		// Checked only now, after authorisation, so that a caller who may
		// not retire learns that rather than how to fix the body.
		if errs != nil {
			return validation(errs)
		}
		return tx.SetRetirement(ctx(r), rel.ID, retirement, a.now())
	})
	if err != nil {
		return err
	}
	a.log().Info("retired", "package", r.PathValue("name"), "version", r.PathValue("version"), "reason", retirement.Reason, "user", who.user.Username)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// retireAll serves POST /api/packages/NAME/retire: every release is
// retired, except those already retired unless replace is true.
func (a *API) retireAll(w http.ResponseWriter, r *http.Request) error {
	params, err := decodeBody(r)
	if err != nil {
		return err
	}
	replace, _ := boolParam(params["replace"])
	retirement, errs := retirementParams(params)
	who, err := a.require(r, access{write: true, pkgName: r.PathValue("name")})
	if err != nil {
		return err
	}
	err = a.Store.Update(ctx(r), func(tx store.Tx) error {
		pkg, err := tx.Package(ctx(r), r.PathValue("name"))
		if err != nil {
			return err
		}
		if err := ownerCheck(ctx(r), tx, pkg, who.user, store.LevelMaintainer); err != nil {
			return err
		}
		if errs != nil {
			return validation(errs)
		}
		releases, err := tx.Releases(ctx(r), pkg.ID)
		if err != nil {
			return err
		}
		for _, rel := range releases {
			if rel.Retirement != nil && !replace {
				continue
			}
			if err := tx.SetRetirement(ctx(r), rel.ID, retirement, a.now()); err != nil {
				return err
			}
		}
		return a.Repo.Refresh(ctx(r), tx, pkg)
	})
	if err != nil {
		return err
	}
	a.log().Info("retired all releases", "package", r.PathValue("name"), "reason", retirement.Reason, "user", who.user.Username)
	cache(w, false)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) unretire(w http.ResponseWriter, r *http.Request) error {
	who, err := a.writeRelease(r, func(tx store.Tx, pkg *store.Package, rel *store.Release) error {
		return tx.SetRetirement(ctx(r), rel.ID, nil, a.now())
	})
	if err != nil {
		return err
	}
	a.log().Info("unretired", "package", r.PathValue("name"), "version", r.PathValue("version"), "user", who.user.Username)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
