package web

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/hexship/ship/hexmeta"
	"github.com/hexship/ship/registry/readme"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/store"
)

// packagePolicy is the Content-Security-Policy of package pages: the
// site's, except that README images may come from any https host (badges,
// logos in the source repository). Scripts stay forbidden.
const packagePolicy = "default-src 'self'; img-src 'self' data: https:; script-src 'none'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// registerPackages adds the package pages: GET /packages/NAME shows the
// latest stable release, GET /packages/NAME/VERSION a given one.
func (s *Site) registerPackages(mux *http.ServeMux) {
	cache := newReadmeCache(readmeCacheBudget)
	h := s.cop.Handler(s.wrap(func(w http.ResponseWriter, r *http.Request) { s.packagePage(w, r, cache) }))
	mux.Handle("GET /packages/{name}", h)
	mux.Handle("GET /packages/{name}/{version}", h)
}

// packageData fills the package page.
type packageData struct {
	Package  *store.Package
	Release  *store.Release
	Explicit bool // the URL named the version
	Latest   string
	Versions []versionRow
	Deps     []depRow
	Owners   []store.Owner
	// Publisher is the username of who published the release; "" when
	// the account is gone.
	Publisher string
	Checksum  string
	Snippets  snippets
	Readme    readmeHTML
	// ReadmeFailed is set when the tarball could not be read.
	ReadmeFailed bool
	// Retired is the shown release's retirement reason in words.
	Retired string
}

// versionRow is one line of the version list.
type versionRow struct {
	Version    string
	Date       time.Time
	Pre        bool
	Retirement *store.Retirement
	Retired    string // the retirement reason in words; "" when not retired
	Current    bool
}

// depRow is one dependency of the release shown.
type depRow struct {
	Name        string
	App         string // "" when the same as Name
	Requirement string
	Optional    bool
	Repository  string // "" for this registry; such dependencies are linked
}

// retireReasons are retirement reasons in words.
var retireReasons = map[string]string{
	"other":      "Retired",
	"invalid":    "Retired: invalid",
	"security":   "Retired: security issue",
	"deprecated": "Retired: deprecated",
	"renamed":    "Retired: renamed",
}

// retireReason is r's reason in words, "" for a release not retired.
func retireReason(r *store.Retirement) string {
	if r == nil {
		return ""
	}
	if w, ok := retireReasons[r.Reason]; ok {
		return w
	}
	return "Retired"
}

// packagePage renders a package page; cache keeps rendered READMEs.
func (s *Site) packagePage(w http.ResponseWriter, r *http.Request, cache *readmeCache) {
	ctx := r.Context()
	name, version := r.PathValue("name"), r.PathValue("version")
	pkg, err := s.Store.Package(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		s.message(w, r, http.StatusNotFound, "Package not found", fmt.Sprintf("There is no package named %q in this registry.", name))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	releases, err := s.Store.Releases(ctx, pkg.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(releases) == 0 {
		s.message(w, r, http.StatusNotFound, "Package not found", fmt.Sprintf("The package %q has no releases.", name))
		return
	}
	repo.SortReleases(releases) // oldest first
	latest := defaultRelease(releases)
	rel := latest
	if version != "" {
		i := slices.IndexFunc(releases, func(x store.Release) bool { return x.Version == version })
		if i < 0 {
			s.message(w, r, http.StatusNotFound, "Version not found",
				fmt.Sprintf("The package %q has no version %q.", pkg.Name, version))
			return
		}
		rel = &releases[i]
	}
	owners, err := s.Store.Owners(ctx, pkg.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &packageData{
		Package: pkg, Release: rel, Explicit: version != "", Latest: latest.Version, Owners: owners,
		Checksum: hex.EncodeToString(rel.OuterChecksum),
		Snippets: makeSnippets(pkg.Name, rel.App, rel.Version, s.RepoName),
		Retired:  retireReason(rel.Retirement),
	}
	if u, err := s.Store.UserByID(ctx, rel.PublisherID); err == nil {
		d.Publisher = u.Username
	} else if !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	for i := len(releases) - 1; i >= 0; i-- {
		x := &releases[i]
		v, err := hexmeta.ParseVersion(x.Version)
		d.Versions = append(d.Versions, versionRow{Version: x.Version, Date: x.CreatedAt,
			Pre: err == nil && v.IsPre(), Retirement: x.Retirement, Retired: retireReason(x.Retirement),
			Current: x.ID == rel.ID})
	}
	for _, q := range rel.Requirements {
		row := depRow{Name: q.Name, Requirement: q.Requirement, Optional: q.Optional}
		if q.App != q.Name {
			row.App = q.App
		}
		if q.Repository != "" && q.Repository != s.RepoName {
			row.Repository = q.Repository
		}
		d.Deps = append(d.Deps, row)
	}
	d.Readme, err = s.readmeOf(r, cache, pkg, rel)
	if err != nil {
		s.log().Error("reading a README failed", "package", pkg.Name, "version", rel.Version, "err", err)
		d.ReadmeFailed = true
	}
	title := pkg.Name
	if d.Explicit {
		title += " " + rel.Version
	}
	w.Header().Set("Content-Security-Policy", packagePolicy)
	s.render(w, r, http.StatusOK, "package", &page{Title: title, Data: d})
}

// defaultRelease is what /packages/NAME shows: the newest stable release,
// or the newest release when all are pre-releases. releases are sorted
// oldest first.
func defaultRelease(releases []store.Release) *store.Release {
	for i := len(releases) - 1; i >= 0; i-- {
		if v, err := hexmeta.ParseVersion(releases[i].Version); err == nil && !v.IsPre() {
			return &releases[i]
		}
	}
	return &releases[len(releases)-1]
}

// readmeOf returns the release's rendered README, from the cache when it
// was rendered before.
func (s *Site) readmeOf(r *http.Request, cache *readmeCache, pkg *store.Package, rel *store.Release) (readmeHTML, error) {
	key := readmeKey(pkg.Name, rel.Version, rel.BlobKey)
	if v, ok := cache.get(key); ok {
		return v, nil
	}
	if s.Blobs == nil {
		return readmeHTML{}, errors.New("no blob store configured")
	}
	f, _, err := s.Blobs.Open(r.Context(), rel.BlobKey)
	if err != nil {
		return readmeHTML{}, err
	}
	defer f.Close()
	file, err := readme.Find(f)
	if err != nil {
		return readmeHTML{}, err
	}
	var v readmeHTML
	if file != nil {
		links := make([]string, 0, len(pkg.Meta.Links))
		for _, l := range pkg.Meta.Links {
			links = append(links, l.URL)
		}
		v = readmeHTML{HTML: readme.Render(file, readme.SourceOf(links)), Name: file.Name, Truncated: file.Truncated}
	}
	cache.put(key, v)
	return v, nil
}
