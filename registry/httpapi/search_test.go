package httpapi_test

import (
	"net/http"
	"reflect"
	"testing"
)

// The package list is the package view of each match, from far fewer
// queries: the same fields and values as GET /api/packages/NAME, owners
// named by username and URL.
func TestPackageListShowsWhatThePackageViewShows(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddUser(t, "alice")
	key := reg.AddKey(t, alice, "k")
	reg.mustPublish(key, "alpha", "1.0.0")
	reg.mustPublish(key, "alpha", "1.1.0-rc.1")
	reg.mustPublish(key, "alpha", "0.9.0")
	reg.mustPublish(key, "beta", "2.0.0")
	list := reg.call("GET", "/api/packages", header("Accept", mediaJSON)).wantStatus(http.StatusOK).list()
	if len(list) != 2 {
		t.Fatalf("%d packages listed, want 2", len(list))
	}
	for _, item := range list {
		got := item.(map[string]any)
		name := got["name"].(string)
		want := reg.call("GET", "/api/packages/"+name, header("Accept", mediaJSON)).wantStatus(http.StatusOK).object()
		wantOwners := []any{map[string]any{"username": "alice", "url": want["owners"].([]any)[0].(map[string]any)["url"]}}
		if !reflect.DeepEqual(got["owners"], wantOwners) {
			t.Errorf("%s: owners %s, want %s", name, show(got["owners"]), show(wantOwners))
		}
		delete(got, "owners")
		delete(want, "owners")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s listed as\n%s\nshown as\n%s", name, show(got), show(want))
		}
	}
	if v := get(list[0], "latest_version"); v != "1.1.0-rc.1" {
		t.Errorf("alpha's latest_version %v", v)
	}
	if v := get(list[0], "latest_stable_version"); v != "1.0.0" {
		t.Errorf("alpha's latest_stable_version %v", v)
	}
}

// By name unless asked otherwise, as hex.pm; sort=relevance ranks the
// exact name, then names starting with the search, then names containing
// it; an unknown sort is refused.
func TestPackageListSorts(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	for _, name := range []string{"plug_cowboy", "a_plug", "plug"} {
		reg.mustPublish(key, name, "1.0.0")
	}
	names := func(path string) []string {
		var out []string
		for _, item := range reg.call("GET", path, header("Accept", mediaJSON)).wantStatus(http.StatusOK).list() {
			out = append(out, get(item, "name").(string))
		}
		return out
	}
	for path, want := range map[string][]string{
		"/api/packages?search=plug":                []string{"a_plug", "plug", "plug_cowboy"},
		"/api/packages?search=plug&sort=relevance": []string{"plug", "plug_cowboy", "a_plug"},
		"/api/packages?search=cowboy":              []string{"plug_cowboy"},
		"/api/packages?search=plug&page=2":         nil,
	} {
		if got := names(path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	reg.call("GET", "/api/packages?sort=best", header("Accept", mediaJSON)).wantStatus(http.StatusUnprocessableEntity)
}
