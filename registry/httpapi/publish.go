package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hexship/ship/hexmeta"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

// maxUpload is hex.pm's cap on a package tarball.
const maxUpload = 16 << 20

// Messages of the publish rules, word for word as hex.pm sends them.
const (
	msgNeedReplace  = "must include the --replace flag to update an existing release"
	msgModifyWindow = "can only modify a release up to one hour after publication"
	msgDeleteWindow = "can only delete a release up to one hour after publication"
	msgNameMismatch = "metadata does not match package name"
	msgTooBig       = "too big"
	msgDepNotInRepo = "package does not exist in repository %q"
)

// publish serves POST /api/publish and POST /api/packages/NAME/releases.
//
// The caller is authorised before the body is read: Go's server sends
// "100 Continue" only when a handler first reads the body, so a client
// that sent Expect: 100-continue never uploads a tarball that would be
// refused anyway.
func (a *API) publish(w http.ResponseWriter, r *http.Request) error {
	urlName := r.PathValue("name")
	replace := true // hex.pm's default when the parameter is absent
	if v := r.URL.Query().Get("replace"); v != "" {
		replace = v == "true"
	}
	// POST /api/publish learns the name only from the tarball, so until
	// then any permission to write some package lets the upload start.
	who, err := a.require(r, access{write: true, pkgName: urlName, anyPackage: urlName == ""})
	if err != nil {
		return err
	}
	if urlName != "" {
		if err := a.checkOwner(r, who, urlName, store.LevelMaintainer); err != nil {
			return err
		}
	}
	body, err := readUpload(r)
	if err != nil {
		return err
	}
	pkg, err := tarball.Read(bytes.NewReader(body), nil)
	if err != nil {
		var te *tarball.Error
		if errors.As(err, &te) {
			return field("tar", te.Error())
		}
		return err
	}
	meta := &pkg.Metadata
	if urlName != "" && meta.Name != urlName {
		return field("name", msgNameMismatch)
	}
	if urlName == "" {
		// POST /api/publish learns the name from the tarball, so the
		// package permission and ownership are checked only now.
		if !who.allows(access{write: true, pkgName: meta.Name}, a.Repo.Name()) {
			return errKeyNotAllowed
		}
		if err := a.checkOwner(r, who, meta.Name, store.LevelMaintainer); err != nil {
			return err
		}
	}
	if errs := hexmeta.Validate(*meta); len(errs) > 0 {
		return validation(fieldErrors(errs))
	}

	key := repo.NewTarballKey(meta.Name, meta.Version)
	if _, err := a.Blobs.Put(ctx(r), key, bytes.NewReader(body)); err != nil {
		return err
	}
	var (
		created bool
		rel     *store.Release
		oldKey  string
		stored  *store.Package
	)
	// A store that runs writers concurrently (PostgreSQL) reports a
	// package or version created by a concurrent publish as ErrConflict;
	// running the transaction again then sees it and answers as hex.pm
	// would (an owner check, or the --replace rule).
	for attempt := 0; attempt < 3; attempt++ {
		err = a.Store.Update(ctx(r), func(tx store.Tx) error {
			var err error
			stored, rel, created, oldKey, err = a.putRelease(r, tx, who, pkg, body, key, replace)
			return err
		})
		if !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err != nil {
		// The upload's own blob is referenced by nothing: drop it.
		a.Blobs.Delete(cleanupCtx(r), key)
		return err
	}
	if oldKey != "" {
		// The replaced tarball is no longer referenced. A kill before this
		// line only leaves an orphan blob behind, never a broken release.
		a.Blobs.Delete(cleanupCtx(r), oldKey)
	}
	a.log().Info("published", "package", stored.Name, "version", rel.Version, "user", who.user.Username, "replaced", !created)
	cache(w, true)
	status := http.StatusOK
	if created {
		w.Header().Set("Location", "/api/packages/"+stored.Name+"/releases/"+rel.Version)
		status = http.StatusCreated
	}
	view, err := a.releaseView(r, stored, rel)
	if err != nil {
		return err
	}
	writeBody(w, r, status, view)
	return nil
}

// putRelease is the transactional part of a publish.
func (a *API) putRelease(r *http.Request, tx store.Tx, who *principal, up *tarball.Package, body []byte, key string, replace bool) (pkg *store.Package, rel *store.Release, created bool, oldKey string, err error) {
	c := ctx(r)
	meta := &up.Metadata
	now := a.now()
	pkg, err = tx.Package(c, meta.Name)
	switch {
	case isNotFound(err):
		pkg = &store.Package{Name: meta.Name, UpdatedAt: now}
		if err = tx.CreatePackage(c, pkg); err != nil {
			return
		}
		if err = tx.SetOwner(c, pkg.ID, who.user.ID, store.LevelFull); err != nil {
			return
		}
	case err != nil:
		return
	default:
		// Checked again inside the transaction: ownership may have
		// changed since the check made before the upload.
		if err = ownerCheck(c, tx, pkg, who.user, store.LevelMaintainer); err != nil {
			return
		}
	}
	if err = a.checkDependencies(r, tx, meta); err != nil {
		return
	}
	existing, err := tx.Release(c, pkg.ID, meta.Version)
	switch {
	case isNotFound(err):
		created, err = true, nil
	case err != nil:
		return
	case !repo.Editable(pkg, existing, now):
		err = field("inserted_at", msgModifyWindow)
		return
	case !replace:
		err = field("inserted_at", msgNeedReplace)
		return
	default:
		oldKey = existing.BlobKey
	}
	rel = &store.Release{
		PackageID:     pkg.ID,
		Version:       meta.Version,
		InnerChecksum: up.InnerChecksum[:],
		OuterChecksum: up.OuterChecksum[:],
		Size:          int64(len(body)),
		BlobKey:       key,
		App:           meta.App,
		BuildTools:    meta.BuildTools,
		Elixir:        meta.Elixir,
		Requirements:  requirements(meta),
		Metadata:      up.MetadataRaw,
		PublisherID:   who.user.ID,
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	if existing != nil {
		// A replace keeps the docs: they belong to the version, not to
		// one upload of its tarball.
		rel.ID, rel.CreatedAt, rel.DocsKey, rel.Downloads = existing.ID, existing.CreatedAt, existing.DocsKey, existing.Downloads
	}
	if err = tx.PutRelease(c, rel); err != nil {
		return
	}
	pkg.Meta = packageMeta(meta)
	pkg.UpdatedAt = now
	if err = tx.UpdatePackage(c, pkg); err != nil {
		return
	}
	err = a.Repo.Refresh(c, tx, pkg)
	return
}

// checkDependencies refuses requirements on packages of this repository
// that do not exist, as hex.pm does; dependencies on other repositories
// cannot be checked here.
func (a *API) checkDependencies(r *http.Request, tx store.Tx, meta *tarball.Metadata) error {
	errs := map[string]any{}
	for _, req := range meta.Requirements {
		if req.Repository != "" && req.Repository != a.Repo.Name() && req.Repository != "hexpm" {
			continue
		}
		if req.Repository == "hexpm" && a.Repo.Name() != "hexpm" {
			continue
		}
		if _, err := tx.Package(ctx(r), req.Name); isNotFound(err) {
			errs[req.Name] = fmt.Sprintf(msgDepNotInRepo, a.Repo.Name())
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return validation(map[string]any{"requirements": errs})
	}
	return nil
}

// readUpload reads a tarball upload within hex.pm's limits: 411 for
// Expect: 100-continue without a length, 422 "too big" over 16 MiB,
// decided from the declared length before anything is read.
func readUpload(r *http.Request) ([]byte, error) {
	if strings.EqualFold(r.Header.Get("Expect"), "100-continue") && r.Header.Get("Content-Length") == "" {
		return nil, newError(http.StatusLengthRequired, "Length required")
	}
	if r.ContentLength > maxUpload {
		return nil, field("tar", msgTooBig)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxUpload {
		return nil, field("tar", msgTooBig)
	}
	return body, nil
}

// fieldErrors nests hexmeta's errors as hex.pm's 422 errors object.
func fieldErrors(errs []hexmeta.FieldError) map[string]any {
	out := map[string]any{}
	for _, e := range errs {
		m := out
		for i, k := range e.Path {
			if i == len(e.Path)-1 {
				if _, taken := m[k]; !taken {
					m[k] = e.Msg
				}
				break
			}
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
	}
	return out
}

func requirements(meta *tarball.Metadata) []store.Requirement {
	out := make([]store.Requirement, 0, len(meta.Requirements))
	for _, r := range meta.Requirements {
		app := r.App
		if app == "" {
			app = r.Name
		}
		out = append(out, store.Requirement{Name: r.Name, App: app, Requirement: r.Requirement, Optional: r.Optional, Repository: r.Repository})
	}
	return out
}

func packageMeta(meta *tarball.Metadata) store.PackageMeta {
	pm := store.PackageMeta{Description: meta.Description, Licenses: meta.Licenses, Maintainers: meta.Maintainers}
	for _, l := range meta.Links {
		pm.Links = append(pm.Links, store.Link{Name: l.Name, URL: l.URL})
	}
	return pm
}
