package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hexship/ship/registry/store"
)

func (a *API) showPackage(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.optional(r); err != nil {
		return err
	}
	pkg, err := a.Store.Package(ctx(r), r.PathValue("name"))
	if err != nil {
		return err
	}
	view, err := a.packageView(r, pkg)
	if err != nil {
		return err
	}
	cache(w, true)
	writeBody(w, r, http.StatusOK, view)
	return nil
}

// searchPackages serves GET /api/packages?search=&sort=&page=, hex.pm's
// package list: 100 per page.
func (a *API) searchPackages(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.optional(r); err != nil {
		return err
	}
	q := r.URL.Query()
	query := store.PackageQuery{Search: q.Get("search"), PerPage: 100}
	switch s := store.PackageSort(q.Get("sort")); s {
	case "", store.SortName:
		query.Sort = store.SortName
	case store.SortInsertedAt, store.SortUpdatedAt, store.SortDownloads:
		query.Sort = s
	case "recent_downloads", "total_downloads":
		query.Sort = store.SortDownloads
	default:
		return field("sort", "is invalid")
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return newError(http.StatusBadRequest, "invalid page: "+p)
		}
		query.Page = n
	}
	pkgs, err := a.Store.SearchPackages(ctx(r), query)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(pkgs))
	for i := range pkgs {
		view, err := a.packageView(r, &pkgs[i])
		if err != nil {
			return err
		}
		out = append(out, view)
	}
	cache(w, true)
	writeBody(w, r, http.StatusOK, out)
	return nil
}
