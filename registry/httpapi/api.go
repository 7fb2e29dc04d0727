// Package httpapi serves the Hex HTTP API under /api: users, API keys,
// packages, releases, publishing, docs, owners and retirement, with JSON or
// Erlang term bodies as the client asks. Handlers are methods on API; they
// return errors, and one place (serve) turns them into hex.pm's envelope.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/oauth"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/twofactor"
)

// API holds what the handlers need. All fields are required except Now and
// Log.
type API struct {
	Store store.Store
	Blobs blob.Store
	Repo  *repo.Repo // the signed repository, updated in each write's transaction
	Keys  *apikey.Hasher
	// OAuth resolves bearer tokens and serves /api/oauth.
	OAuth *oauth.Service
	// TwoFactor checks the x-hex-otp code of writes with OAuth tokens.
	TwoFactor *twofactor.Checker
	// PublicURL is the registry's external base URL without a trailing
	// slash, e.g. "http://127.0.0.1:4000"; response URLs start with it.
	PublicURL string
	Now       func() time.Time
	Log       *slog.Logger
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// handlerFunc is a handler that reports failure by returning an error,
// which serve renders; an *apiError keeps its status and message.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Register adds the API routes to mux, which must be a Go 1.22+ pattern
// mux. Routes exist both at /api/... and, for the one repository this
// server hosts, at /api/repos/{repository}/... as hex_core builds them.
func (a *API) Register(mux *http.ServeMux) {
	routes := []struct {
		pattern string
		h       handlerFunc
	}{
		{"GET /users/me", a.me},
		{"GET /users/{name}", a.showUser},
		{"GET /keys", a.listKeys},
		{"GET /keys/{name}", a.showKey},
		{"POST /keys", a.createKey},
		{"DELETE /keys/{name}", a.revokeKey},
		{"DELETE /keys", a.revokeAllKeys},
		{"GET /auth", a.authCheck},
		{"GET /packages", a.searchPackages},
		{"GET /packages/{name}", a.showPackage},
		{"POST /publish", a.publish},
		{"POST /packages/{name}/releases", a.publish},
		{"GET /packages/{name}/releases/{version}", a.showRelease},
		{"DELETE /packages/{name}/releases/{version}", a.revertRelease},
		{"POST /packages/{name}/releases/{version}/docs", a.uploadDocs},
		{"GET /packages/{name}/releases/{version}/docs", a.showDocs},
		{"DELETE /packages/{name}/releases/{version}/docs", a.deleteDocs},
		{"POST /packages/{name}/releases/{version}/retire", a.retire},
		{"DELETE /packages/{name}/releases/{version}/retire", a.unretire},
		{"POST /packages/{name}/retire", a.retireAll},
		{"GET /packages/{name}/owners", a.listOwners},
		{"GET /packages/{name}/owners/{user}", a.showOwner},
		{"PUT /packages/{name}/owners/{user}", a.addOwner},
		{"DELETE /packages/{name}/owners/{user}", a.removeOwner},
	}
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		h := a.serve(rt.h)
		mux.Handle(method+" /api"+path, h)
		if strings.HasPrefix(path, "/packages/") || path == "/publish" {
			mux.Handle(method+" /api/repos/{repository}"+path, a.inRepository(h))
		}
	}
	a.registerOAuth(mux)
	mux.Handle("/api/", a.serve(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
}

// inRepository answers 404 for any repository but ours, as hex.pm does for
// repositories a caller cannot see.
func (a *API) inRepository(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("repository") != a.Repo.Name() {
			a.writeError(w, r, errNotFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serve adapts a handlerFunc: it renders a returned error and never lets a
// panic reach the client as a broken connection without a body.
func (a *API) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

// ctx is shorthand for the request context.
func ctx(r *http.Request) context.Context { return r.Context() }

// cleanupCtx is the context for removing files nothing refers to any more:
// it outlives the request, so that a client hanging up right after its
// publish or revert does not leave the removal undone.
func cleanupCtx(r *http.Request) context.Context {
	return context.WithoutCancel(r.Context())
}
