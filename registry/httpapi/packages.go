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
// package list: 100 per page, by name unless sort says otherwise (as
// hex.pm). sort=relevance ranks as the website's search does: exact name,
// names starting with the search, names containing it, descriptions;
// then downloads. A page costs two queries however many packages it
// holds: the packages with their owners, then their releases. Owners are
// listed by username and URL only.
func (a *API) searchPackages(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.optional(r); err != nil {
		return err
	}
	q := r.URL.Query()
	query := store.PackageQuery{Search: q.Get("search"), PerPage: 100}
	switch s := store.PackageSort(q.Get("sort")); s {
	case "", store.SortName:
		query.Sort = store.SortName
	case store.SortInsertedAt, store.SortUpdatedAt, store.SortDownloads, store.SortRelevance:
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
	sums, err := a.Store.PackageSummaries(ctx(r), query)
	if err != nil {
		return err
	}
	ids := make([]int64, len(sums))
	for i := range sums {
		ids[i] = sums[i].ID
	}
	releases, err := a.Store.ReleasesOf(ctx(r), ids)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(sums))
	for i := range sums {
		owners := make([]any, 0, len(sums[i].Owners))
		for _, name := range sums[i].Owners {
			owners = append(owners, map[string]any{"username": name, "url": a.url("/api/users/%s", name)})
		}
		out = append(out, a.packageMap(&sums[i].Package, releases[sums[i].ID], owners))
	}
	cache(w, true)
	writeBody(w, r, http.StatusOK, out)
	return nil
}
