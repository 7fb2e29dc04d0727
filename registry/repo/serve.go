package repo

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/store"
)

// Cache lifetimes as hex.pm's repository sends them. Registry files change
// with every publish but clients revalidate them with If-None-Match, so an
// hour is safe. A tarball can be replaced while it is Editable, so only
// after that is it cached for a week.
const (
	registryCache     = "public, max-age=3600"
	tarballCache      = "public, max-age=604800"
	youngTarballCache = "public, max-age=60"
)

// The windows in which hex.pm lets a release be replaced or reverted.
const (
	ReplaceWindow    = time.Hour      // after the release's first publication
	NewPackageWindow = 24 * time.Hour // after the package's first publication
)

// Editable reports whether rel may still be replaced or reverted at now:
// within an hour of its publication, or while its package is less than a
// day old, as on hex.pm.
func Editable(pkg *store.Package, rel *store.Release, now time.Time) bool {
	return !now.After(editableUntil(pkg, rel))
}

// editableUntil is the last moment rel is Editable.
func editableUntil(pkg *store.Package, rel *store.Release) time.Time {
	release, pack := rel.CreatedAt.Add(ReplaceWindow), pkg.CreatedAt.Add(NewPackageWindow)
	if release.After(pack) {
		return release
	}
	return pack
}

// Handler serves the repository under prefix (e.g. "/repo").
func (r *Repo) Handler(prefix string, log *slog.Logger) http.Handler {
	if log != nil {
		r.downloads.log.Store(log)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"/names", func(w http.ResponseWriter, req *http.Request) {
		r.serveIndex(w, req, log, func(i *indexFiles) file { return i.names })
	})
	mux.HandleFunc("GET "+prefix+"/versions", func(w http.ResponseWriter, req *http.Request) {
		r.serveIndex(w, req, log, func(i *indexFiles) file { return i.versions })
	})
	mux.HandleFunc("GET "+prefix+"/packages/{name}", func(w http.ResponseWriter, req *http.Request) {
		f, err := r.packageFile(req.Context(), req.PathValue("name"))
		if err != nil {
			serveError(w, req, log, err)
			return
		}
		serveFile(w, req, f, "application/octet-stream")
	})
	mux.HandleFunc("GET "+prefix+"/tarballs/{file}", func(w http.ResponseWriter, req *http.Request) {
		r.serveTarball(w, req, log)
	})
	mux.HandleFunc("GET "+prefix+"/docs/{file}", func(w http.ResponseWriter, req *http.Request) {
		r.serveDocs(w, req, log)
	})
	mux.HandleFunc("GET "+prefix+"/public_key", func(w http.ResponseWriter, req *http.Request) {
		pem := r.PublicKeyPEM()
		serveFile(w, req, file{body: pem, etag: etagOf(pem)}, "application/x-pem-file")
	})
	mux.HandleFunc(prefix+"/", func(w http.ResponseWriter, req *http.Request) {
		http.Error(w, "not found", http.StatusNotFound)
	})
	return mux
}

func (r *Repo) serveIndex(w http.ResponseWriter, req *http.Request, log *slog.Logger, pick func(*indexFiles) file) {
	idx, err := r.currentIndex(req.Context())
	if err != nil {
		serveError(w, req, log, err)
		return
	}
	serveFile(w, req, pick(idx), "application/octet-stream")
}

// serveFile answers with body, or 304 when the client's ETag is current.
func serveFile(w http.ResponseWriter, req *http.Request, f file, contentType string) {
	h := w.Header()
	h.Set("Cache-Control", registryCache)
	h.Set("Content-Type", contentType)
	h.Set("ETag", f.etag)
	// ServeContent handles If-None-Match (304), HEAD and ranges.
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(f.body))
}

// serveTarball serves NAME-VERSION.tar from the blob the release points at.
func (r *Repo) serveTarball(w http.ResponseWriter, req *http.Request, log *slog.Logger) {
	name, version, ok := splitFile(req.PathValue("file"), ".tar")
	if !ok {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	ctx := req.Context()
	loc, err := r.locate(ctx, name, version)
	if err != nil {
		serveError(w, req, log, err)
		return
	}
	f, info, err := r.blobs.Open(ctx, loc.blobKey)
	if err != nil {
		serveError(w, req, log, err)
		return
	}
	defer f.Close()
	h := w.Header()
	if r.now().After(loc.editableUntil) {
		h.Set("Cache-Control", tarballCache)
	} else {
		h.Set("Cache-Control", youngTarballCache)
	}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("ETag", loc.etag)
	sw := &statusWriter{ResponseWriter: w}
	http.ServeContent(sw, req, "", info.ModTime, f)
	// A download is a whole tarball sent: not a HEAD, a 304 for a cached
	// copy or a range of it.
	if req.Method == http.MethodGet && sw.status == http.StatusOK {
		r.downloads.add(loc.releaseID)
	}
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// serveDocs serves NAME-VERSION.tar.gz, a release's docs tarball, from
// the blob the release points at.
func (r *Repo) serveDocs(w http.ResponseWriter, req *http.Request, log *slog.Logger) {
	name, version, ok := splitFile(req.PathValue("file"), ".tar.gz")
	if !ok {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	_, rel, err := r.findRelease(req.Context(), name, version)
	if err == nil && !rel.HasDocs() {
		err = store.ErrNotFound
	}
	if err != nil {
		serveError(w, req, log, err)
		return
	}
	// A docs removal or a new upload that commits between the lookup and
	// this Open deletes the blob read here: that is a 404, as if the
	// request had come a moment later.
	f, info, err := r.blobs.Open(req.Context(), rel.DocsKey)
	if err != nil {
		serveError(w, req, log, err)
		return
	}
	defer f.Close()
	w.Header().Set("Cache-Control", youngTarballCache)
	w.Header().Set("Content-Type", "application/gzip")
	http.ServeContent(w, req, "", info.ModTime, f)
}

func (r *Repo) findRelease(ctx context.Context, name, version string) (*store.Package, *store.Release, error) {
	pkg, err := r.store.Package(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	rel, err := r.store.Release(ctx, pkg.ID, version)
	return pkg, rel, err
}

func serveError(w http.ResponseWriter, req *http.Request, log *slog.Logger, err error) {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, blob.ErrNotFound) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if req.Context().Err() != nil {
		return
	}
	log.Error("repository request failed", "path", req.URL.Path, "err", err)
	http.Error(w, "internal server error", http.StatusInternalServerError)
}

// splitFile reads NAME-VERSION+ext. Package names cannot contain "-", so
// the first one ends the name.
func splitFile(file, ext string) (name, version string, ok bool) {
	nameVersion, ok := strings.CutSuffix(file, ext)
	if !ok {
		return "", "", false
	}
	return strings.Cut(nameVersion, "-")
}
