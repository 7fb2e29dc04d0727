package httpapi

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"

	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/store"
)

// maxDocsUncompressed is hex.pm's cap on an unpacked docs tarball.
const maxDocsUncompressed = 128 << 20

// uploadDocs serves POST .../releases/VERSION/docs: a gzipped tar of the
// documentation. As a publish does with its tarball, the docs are written
// under a key of their own before the transaction points the release at
// them, and the docs they replace are deleted only after it commits: an
// upload never overwrites docs a release points at, so a concurrent
// removal or upload, or a failed commit, deletes only what nothing refers
// to any more.
func (a *API) uploadDocs(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{write: true, pkgName: r.PathValue("name")})
	if err != nil {
		return err
	}
	pkg, rel, err := a.findRelease(r, a.Store)
	if err != nil {
		return err
	}
	if err := ownerCheck(ctx(r), a.Store, pkg, who.user, store.LevelMaintainer); err != nil {
		return err
	}
	body, err := readUpload(r)
	if err != nil {
		return err
	}
	if err := checkDocs(body); err != nil {
		return err
	}
	key := repo.NewDocsKey(pkg.Name, rel.Version)
	if _, err := a.Blobs.Put(ctx(r), key, bytes.NewReader(body)); err != nil {
		return err
	}
	var oldKey string
	if err := a.changeRelease(r, who, false, func(tx store.Tx, _ *store.Package, rel *store.Release) error {
		oldKey = rel.DocsKey
		rel.DocsKey = key
		rel.UpdatedAt = a.now()
		return tx.PutRelease(ctx(r), rel)
	}); err != nil {
		// Nothing refers to the upload's own blob: drop it.
		a.Blobs.Delete(cleanupCtx(r), key)
		return err
	}
	if oldKey != "" {
		// A kill before this line leaves an orphan for gc, never a
		// release without its docs.
		a.Blobs.Delete(cleanupCtx(r), oldKey)
	}
	a.log().Info("docs published", "package", pkg.Name, "version", rel.Version, "user", who.user.Username)
	w.Header().Set("Location", a.url("/repo/docs/%s", pkg.Name+"-"+rel.Version+".tar.gz"))
	cache(w, true)
	w.WriteHeader(http.StatusCreated)
	return nil
}

// checkDocs refuses anything but a gzipped tar within hex.pm's limits.
func checkDocs(body []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return field("tar", "invalid gzip: "+err.Error())
	}
	limited := &io.LimitedReader{R: zr, N: maxDocsUncompressed + 1}
	tr := tar.NewReader(limited)
	for {
		_, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if limited.N <= 0 {
				return field("tar", "too big (uncompressed)")
			}
			return field("tar", "invalid tarball: "+err.Error())
		}
	}
	if _, err := io.Copy(io.Discard, limited); err != nil {
		return field("tar", "invalid gzip: "+err.Error())
	}
	if limited.N <= 0 {
		return field("tar", "too big (uncompressed)")
	}
	return nil
}

func (a *API) showDocs(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.optional(r); err != nil {
		return err
	}
	pkg, rel, err := a.findRelease(r, a.Store)
	if err != nil {
		return err
	}
	if !rel.HasDocs() {
		return errNotFound
	}
	http.Redirect(w, r, a.url("/repo/docs/%s", pkg.Name+"-"+rel.Version+".tar.gz"), http.StatusFound)
	return nil
}

// deleteDocs serves DELETE .../releases/VERSION/docs. The release stops
// pointing at its docs first and the blob goes after the commit, so the
// blob deleted is the one this request removed, never one a concurrent
// upload has just put.
func (a *API) deleteDocs(w http.ResponseWriter, r *http.Request) error {
	who, err := a.require(r, access{write: true, pkgName: r.PathValue("name")})
	if err != nil {
		return err
	}
	var oldKey string
	if err := a.changeRelease(r, who, false, func(tx store.Tx, _ *store.Package, rel *store.Release) error {
		oldKey = rel.DocsKey
		rel.DocsKey = ""
		rel.UpdatedAt = a.now()
		return tx.PutRelease(ctx(r), rel)
	}); err != nil {
		return err
	}
	if oldKey != "" {
		a.Blobs.Delete(cleanupCtx(r), oldKey)
	}
	cache(w, false)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
