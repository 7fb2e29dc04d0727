package httpapi

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/hexship/ship/hexmeta"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/store"
)

// The views render store values as hex.pm's API does (its user, package,
// release, owner and key views), as generic maps so one value serves both
// the JSON and the Erlang term encoders.

func (a *API) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

func (a *API) url(format string, args ...any) string {
	escaped := make([]any, len(args))
	for i, arg := range args {
		escaped[i] = url.PathEscape(fmt.Sprint(arg))
	}
	return a.PublicURL + fmt.Sprintf(format, escaped...)
}

func (a *API) userMinimal(u *store.User) map[string]any {
	m := map[string]any{"username": u.Username, "url": a.url("/api/users/%s", u.Username)}
	if u.Email != "" {
		m["email"] = u.Email
	}
	return m
}

func (a *API) userView(r *http.Request, u *store.User) (map[string]any, error) {
	m := map[string]any{
		"username":    u.Username,
		"full_name":   nilIfEmpty(u.FullName),
		"handles":     map[string]any{},
		"url":         a.url("/api/users/%s", u.Username),
		"inserted_at": timestamp(u.CreatedAt),
		"updated_at":  timestamp(u.UpdatedAt),
	}
	if u.Email != "" {
		m["email"] = u.Email
	}
	pkgs, err := a.Store.PackagesOwnedBy(ctx(r), u.ID)
	if err != nil {
		return nil, err
	}
	owned := map[string]any{}
	list := make([]any, 0, len(pkgs))
	for _, p := range pkgs {
		owned[p.Name] = a.url("/api/packages/%s", p.Name)
		list = append(list, map[string]any{
			"name":       p.Name,
			"repository": a.Repo.Name(),
			"url":        a.url("/api/packages/%s", p.Name),
			"html_url":   a.url("/packages/%s", p.Name),
		})
	}
	m["owned_packages"] = owned
	m["packages"] = list
	return m, nil
}

func (a *API) ownerView(o *store.Owner) map[string]any {
	m := map[string]any{
		"username":    o.User.Username,
		"full_name":   nilIfEmpty(o.User.FullName),
		"handles":     map[string]any{},
		"url":         a.url("/api/users/%s", o.User.Username),
		"inserted_at": timestamp(o.User.CreatedAt),
		"updated_at":  timestamp(o.User.UpdatedAt),
		"level":       string(o.Level),
	}
	if o.User.Email != "" {
		m["email"] = o.User.Email
	}
	return m
}

// latest returns the newest release and the newest stable one (nil when
// there is none) of releases sorted oldest first.
func latest(sorted []store.Release) (newest, stable *store.Release) {
	for i := len(sorted) - 1; i >= 0; i-- {
		if newest == nil {
			newest = &sorted[i]
		}
		if v, err := hexmeta.ParseVersion(sorted[i].Version); err == nil && !v.IsPre() {
			stable = &sorted[i]
			break
		}
	}
	return newest, stable
}

func (a *API) packageView(r *http.Request, pkg *store.Package) (map[string]any, error) {
	releases, err := a.Store.Releases(ctx(r), pkg.ID)
	if err != nil {
		return nil, err
	}
	owners, err := a.Store.Owners(ctx(r), pkg.ID)
	if err != nil {
		return nil, err
	}
	ownerList := make([]any, 0, len(owners))
	for _, o := range owners {
		ownerList = append(ownerList, a.userMinimal(&o.User))
	}
	return a.packageMap(pkg, releases, ownerList), nil
}

// packageMap is hex.pm's package view of pkg with its releases (in any
// order) and its owners' views.
func (a *API) packageMap(pkg *store.Package, releases []store.Release, ownerList []any) map[string]any {
	repo.SortReleases(releases)
	newest, stable := latest(releases)
	snippetRelease := stable
	if snippetRelease == nil {
		snippetRelease = newest
	}
	links := map[string]any{}
	for _, l := range pkg.Meta.Links {
		links[l.Name] = l.URL
	}
	m := map[string]any{
		"repository":    a.Repo.Name(),
		"name":          pkg.Name,
		"inserted_at":   timestamp(pkg.CreatedAt),
		"updated_at":    timestamp(pkg.UpdatedAt),
		"url":           a.url("/api/packages/%s", pkg.Name),
		"html_url":      a.url("/packages/%s", pkg.Name),
		"docs_html_url": nil,
		"meta": map[string]any{
			"description": nilIfEmpty(pkg.Meta.Description),
			"licenses":    orEmpty(pkg.Meta.Licenses),
			"links":       links,
			"maintainers": orEmpty(pkg.Meta.Maintainers),
		},
		"downloads":           map[string]any{"all": pkg.Downloads},
		"security_advisories": []any{},
	}
	m["latest_version"], m["latest_stable_version"], m["configs"] = nil, nil, map[string]any{}
	if newest != nil {
		m["latest_version"] = newest.Version
		m["configs"] = a.configs(pkg.Name, snippetRelease)
	}
	if stable != nil {
		m["latest_stable_version"] = stable.Version
	}
	// hex.pm lists releases newest first.
	list := make([]any, 0, len(releases))
	retirements := map[string]any{}
	for _, rel := range slices.Backward(releases) {
		list = append(list, map[string]any{
			"version":     rel.Version,
			"url":         a.url("/api/packages/%s/releases/%s", pkg.Name, rel.Version),
			"has_docs":    rel.HasDocs(),
			"inserted_at": timestamp(rel.CreatedAt),
		})
		if rel.Retirement != nil {
			retirements[rel.Version] = retirementView(rel.Retirement)
		}
	}
	m["releases"] = list
	m["retirements"] = retirements
	m["owners"] = ownerList
	return m
}

func retirementView(r *store.Retirement) map[string]any {
	return map[string]any{"reason": r.Reason, "message": nilIfEmpty(r.Message)}
}

// configs are the dependency snippets for each build tool, as hex.pm shows.
func (a *API) configs(name string, rel *store.Release) map[string]any {
	v, err := hexmeta.ParseVersion(rel.Version)
	req := rel.Version
	if err == nil && !v.IsPre() {
		req = fmt.Sprintf("~> %d.%d", v.Major, v.Minor)
	}
	return map[string]any{
		"mix.exs":      fmt.Sprintf("{:%s, %q}", name, req),
		"rebar.config": fmt.Sprintf("{%s, %q}", name, rel.Version),
		"erlang.mk":    fmt.Sprintf("dep_%s = hex %s", name, rel.Version),
	}
}

func (a *API) releaseView(r *http.Request, pkg *store.Package, rel *store.Release) (map[string]any, error) {
	publisher := any(nil)
	if rel.PublisherID != 0 {
		u, err := a.Store.UserByID(ctx(r), rel.PublisherID)
		switch {
		case err == nil:
			publisher = a.userMinimal(u)
		case !isNotFound(err):
			return nil, err
		}
	}
	reqs := map[string]any{}
	for _, q := range rel.Requirements {
		reqs[q.Name] = map[string]any{"app": q.App, "requirement": q.Requirement, "optional": q.Optional}
	}
	var retirement any
	if rel.Retirement != nil {
		retirement = retirementView(rel.Retirement)
	}
	return map[string]any{
		"version":       rel.Version,
		"checksum":      hex.EncodeToString(rel.OuterChecksum),
		"has_docs":      rel.HasDocs(),
		"inserted_at":   timestamp(rel.CreatedAt),
		"updated_at":    timestamp(rel.UpdatedAt),
		"retirement":    retirement,
		"package_url":   a.url("/api/packages/%s", pkg.Name),
		"url":           a.url("/api/packages/%s/releases/%s", pkg.Name, rel.Version),
		"html_url":      a.url("/packages/%s/%s", pkg.Name, rel.Version),
		"docs_html_url": nil,
		"requirements":  reqs,
		"configs":       a.configs(pkg.Name, rel),
		"meta": map[string]any{
			"app":         nilIfEmpty(rel.App),
			"build_tools": orEmpty(slices.Compact(slices.Clone(rel.BuildTools))),
			"elixir":      nilIfEmpty(rel.Elixir),
		},
		"downloads":           rel.Downloads,
		"publisher":           publisher,
		"security_advisories": []any{},
	}, nil
}

func (a *API) keyView(k *store.Key, authing *store.Key, secret string) map[string]any {
	perms := make([]any, 0, len(k.Permissions))
	for _, p := range k.Permissions {
		perms = append(perms, map[string]any{"domain": p.Domain, "resource": nilIfEmpty(p.Resource)})
	}
	var revokeAt any
	if k.RevokedAt != nil {
		revokeAt = timestamp(*k.RevokedAt)
	}
	m := map[string]any{
		"name":        k.Name,
		"authing_key": authing != nil && authing.ID == k.ID,
		"secret":      nilIfEmpty(secret),
		"permissions": perms,
		"revoke_at":   revokeAt,
		"inserted_at": timestamp(k.CreatedAt),
		"updated_at":  timestamp(k.UpdatedAt),
		"url":         a.url("/api/keys/%s", k.Name),
	}
	if k.LastUse != nil {
		m["last_use"] = map[string]any{"used_at": timestamp(k.LastUse.At), "ip": k.LastUse.IP, "user_agent": k.LastUse.UserAgent}
	}
	return m
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// orEmpty keeps a nil list from rendering as null.
func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
