package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// jsonTime is how JSON bodies render a datetime (hex.pm keeps microseconds).
func jsonTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func TestReplaceAndDeleteAreAllowedOnlyWithinAnHourOfPublication(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	// The package is older than a day, so only the release's own age
	// decides (hex.pm also lets a package's first day through).
	reg.mustPublish(key, "base", "0.1.0")
	reg.Clock.Advance(25 * time.Hour)
	published := reg.Clock.Now()
	reg.mustPublish(key, "base", "1.0.0")

	reg.Clock.Advance(59 * time.Minute)
	meta := metadata("base", "1.0.0")
	meta.Description = "Replaced after 59 minutes."
	replacement := build(t, meta)
	reg.publish(key, "base", replacement, true).wantStatus(http.StatusOK)
	replacedAt := reg.Clock.Now()

	rel := reg.call("GET", "/api/packages/base/releases/1.0.0").wantStatus(http.StatusOK).object()
	if rel["inserted_at"] != jsonTime(published) {
		t.Errorf("inserted_at after a replace: %v, want the first publication %s", rel["inserted_at"], jsonTime(published))
	}
	if rel["updated_at"] != jsonTime(replacedAt) {
		t.Errorf("updated_at after a replace: %v, want %s", rel["updated_at"], jsonTime(replacedAt))
	}
	sum := sha256.Sum256(replacement)
	if rel["checksum"] != hex.EncodeToString(sum[:]) {
		t.Errorf("checksum %v is not the replacement's", rel["checksum"])
	}
	if got := reg.call("GET", "/repo/tarballs/base-1.0.0.tar").wantStatus(http.StatusOK).body; string(got) != string(replacement) {
		t.Error("the repository does not serve the replacement tarball")
	}
	for _, r := range reg.repoPackage("base").Releases {
		if r.Version == "1.0.0" && !r.PublishedAt.Equal(published) {
			t.Errorf("/repo/packages/base: 1.0.0 published at %v, want %v", r.PublishedAt, published)
		}
	}

	// The window counts from the first publication, not from the replace.
	reg.Clock.Advance(2 * time.Minute) // 61 minutes after publication
	meta.Description = "Replaced after 61 minutes."
	reg.publish(key, "base", build(t, meta), true).wantError(http.StatusUnprocessableEntity, "Validation error(s)",
		map[string]any{"inserted_at": "can only modify a release up to one hour after publication"})
	reg.call("DELETE", "/api/packages/base/releases/1.0.0", auth(key)).wantError(http.StatusUnprocessableEntity, "Validation error(s)",
		map[string]any{"inserted_at": "can only delete a release up to one hour after publication"})

	if got := reg.call("GET", "/repo/tarballs/base-1.0.0.tar").wantStatus(http.StatusOK).body; string(got) != string(replacement) {
		t.Error("a refused replace changed the served tarball")
	}
	reg.call("GET", "/api/packages/base/releases/1.0.0").wantStatus(http.StatusOK)
	if blobs := reg.blobFiles(); len(blobs) != 2 {
		t.Errorf("blobs %q, want the tarballs of 0.1.0 and of the 1.0.0 replacement", blobs)
	}
}

func TestRevertingTheOnlyReleaseRemovesThePackageAndFreesTheName(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	bob := reg.AddKey(t, reg.AddUser(t, "bob"), "k")
	reg.mustPublish(alice, "keep", "1.0.0")
	reg.mustPublish(alice, "solo", "1.0.0")
	if names := reg.repoNames(); !slices.Equal(names, []string{"keep", "solo"}) {
		t.Fatalf("/repo/names: %q", names)
	}

	reg.call("POST", "/api/packages/solo/releases/1.0.0/docs", auth(alice), body(mediaTar, docsTarball(t))).
		wantStatus(http.StatusCreated)

	reg.Clock.Advance(30 * time.Minute)
	reg.call("DELETE", "/api/packages/solo/releases/1.0.0", auth(bob)).wantStatus(http.StatusForbidden)
	reg.call("DELETE", "/api/packages/solo/releases/1.0.0", auth(alice)).wantStatus(http.StatusNoContent)

	reg.call("GET", "/api/packages/solo").wantStatus(http.StatusNotFound)
	reg.call("GET", "/api/packages/solo/releases/1.0.0").wantStatus(http.StatusNotFound)
	reg.call("GET", "/repo/packages/solo").wantStatus(http.StatusNotFound)
	reg.call("GET", "/repo/tarballs/solo-1.0.0.tar").wantStatus(http.StatusNotFound)
	reg.call("GET", "/repo/docs/solo-1.0.0.tar.gz").wantStatus(http.StatusNotFound)
	if names := reg.repoNames(); !slices.Equal(names, []string{"keep"}) {
		t.Errorf("/repo/names after the revert: %q", names)
	}
	if blobs := reg.blobFiles(); len(blobs) != 1 || !strings.Contains(blobs[0], "keep-1.0.0") {
		t.Errorf("blobs after the revert: %q, want keep's tarball only (solo's tarball and docs gone)", blobs)
	}
	owned := reg.call("GET", "/api/users/alice").wantStatus(http.StatusOK).object()
	if pkgs, _ := owned["packages"].([]any); len(pkgs) != 1 {
		t.Errorf("alice still owns %v", show(owned["packages"]))
	}

	// The name is free: someone else may take it.
	reg.mustPublish(bob, "solo", "2.0.0")
	owners := reg.call("GET", "/api/packages/solo/owners").wantStatus(http.StatusOK).list()
	if len(owners) != 1 || get(owners[0], "username") != "bob" {
		t.Errorf("owners of the new solo: %s", show(owners))
	}
	pkg := reg.call("GET", "/api/packages/solo").wantStatus(http.StatusOK).object()
	if pkg["latest_version"] != "2.0.0" || len(pkg["releases"].([]any)) != 1 {
		t.Errorf("the new solo carries the old one's releases: %s", show(pkg["releases"]))
	}
}

func TestRevertingOneOfSeveralReleasesKeepsThePackage(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	reg.mustPublish(key, "base", "1.1.0")
	reg.call("DELETE", "/api/packages/base/releases/1.1.0", auth(key)).wantStatus(http.StatusNoContent)

	pkg := reg.call("GET", "/api/packages/base").wantStatus(http.StatusOK).object()
	if pkg["latest_version"] != "1.0.0" {
		t.Errorf("latest_version %v after reverting 1.1.0", pkg["latest_version"])
	}
	var versions []string
	for _, r := range reg.repoPackage("base").Releases {
		versions = append(versions, r.Version)
	}
	if !slices.Equal(versions, []string{"1.0.0"}) {
		t.Errorf("/repo/packages/base versions %q", versions)
	}
}

func TestRetirementIsValidatedAndCanBeUndone(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	const path = "/api/packages/base/releases/1.0.0/retire"

	invalid := []struct {
		name   string
		params map[string]any
		want   map[string]any
	}{
		{"unknown reason", map[string]any{"reason": "boring", "message": "Use 2.0"},
			map[string]any{"reason": "is invalid"}},
		{"no reason", map[string]any{"message": "Use 2.0"},
			map[string]any{"reason": "can't be blank"}},
		{"message too short", map[string]any{"reason": "other", "message": "no"},
			map[string]any{"message": "should be at least 3 character(s)"}},
		{"message too long", map[string]any{"reason": "other", "message": strings.Repeat("x", 141)},
			map[string]any{"message": "should be at most 140 character(s)"}},
		{"both", map[string]any{"reason": "gone", "message": "no"},
			map[string]any{"reason": "is invalid", "message": "should be at least 3 character(s)"}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			reg.call("POST", path, auth(key), jsonBody(t, tt.params)).
				wantError(http.StatusUnprocessableEntity, "Validation error(s)", map[string]any{"retirement": tt.want})
			if r := get(reg.call("GET", "/api/packages/base/releases/1.0.0").object(), "retirement"); r != nil {
				t.Errorf("a refused retirement was stored: %s", show(r))
			}
		})
	}

	// 140 characters, counted as characters, not bytes.
	message := strings.Repeat("é", 140)
	reg.call("POST", path, auth(key), jsonBody(t, map[string]any{"reason": "security", "message": message})).
		wantStatus(http.StatusNoContent)
	want := map[string]any{"reason": "security", "message": message}
	rel := reg.call("GET", "/api/packages/base/releases/1.0.0").wantStatus(http.StatusOK).object()
	if got := rel["retirement"]; show(got) != show(want) {
		t.Errorf("release retirement %s, want %s", show(got), show(want))
	}
	if got := get(reg.call("GET", "/api/packages/base").object(), "retirements", "1.0.0"); show(got) != show(want) {
		t.Errorf("package retirements[1.0.0] %s, want %s", show(got), show(want))
	}
	if r := reg.repoPackage("base").Releases[0].Retired; r == nil || r.Reason != "security" || r.Message != message {
		t.Errorf("/repo/packages/base retirement %+v", r)
	}

	reg.call("DELETE", path, auth(key)).wantStatus(http.StatusNoContent)
	if r := get(reg.call("GET", "/api/packages/base/releases/1.0.0").object(), "retirement"); r != nil {
		t.Errorf("retirement after unretire: %s", show(r))
	}
	if r := reg.repoPackage("base").Releases[0].Retired; r != nil {
		t.Errorf("/repo/packages/base still retired: %+v", r)
	}
}

// hex.pm authorises a retirement before it looks at the body: a caller
// without the right gets 401 or 403, whatever they sent.
func TestRetireIsAuthorisedBeforeTheBodyIsValidated(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	stranger := reg.AddKey(t, reg.AddUser(t, "bob"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	const path = "/api/packages/base/releases/1.0.0/retire"
	bad := map[string]any{"reason": "boring", "message": "no"}

	reg.call("POST", path, jsonBody(t, bad)).wantError(http.StatusUnauthorized, "missing authentication information", nil)
	reg.call("POST", path, auth(stranger), jsonBody(t, bad)).wantError(http.StatusForbidden, "account not authorized for this action", nil)
}

// hex.pm replaces when the client leaves `replace` out; only an explicit
// false asks for a new release.
func TestReplaceDefaultsToTrue(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	meta := metadata("base", "1.0.0")
	meta.Description = "Replaced without asking."
	reg.call("POST", "/api/packages/base/releases", auth(key), body(mediaTar, build(t, meta))).wantStatus(http.StatusOK)
	reg.call("POST", "/api/packages/base/releases?replace=false", auth(key), body(mediaTar, build(t, meta))).
		wantError(http.StatusUnprocessableEntity, "Validation error(s)",
			map[string]any{"inserted_at": "must include the --replace flag to update an existing release"})
	if d := get(reg.call("GET", "/api/packages/base").object(), "meta", "description"); d != meta.Description {
		t.Errorf("description %v", d)
	}
}

// During its first day a package's releases stay replaceable whatever
// their age, as on hex.pm; and the window is checked before the --replace
// flag, so a refused late replace says why it can never work.
func TestNewPackagesStayEditableForADay(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "young", "1.0.0")
	reg.Clock.Advance(23 * time.Hour)
	meta := metadata("young", "1.0.0")
	meta.Description = "Replaced on the first day."
	reg.publish(key, "young", build(t, meta), true).wantStatus(http.StatusOK)

	reg.Clock.Advance(2 * time.Hour)
	meta.Description = "Too late."
	reg.publish(key, "young", build(t, meta), false).wantError(http.StatusUnprocessableEntity, "Validation error(s)",
		map[string]any{"inserted_at": "can only modify a release up to one hour after publication"})
}

// POST /api/packages/NAME/retire retires every release, leaving those
// already retired alone unless replace is true.
func TestRetireAllReleases(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	other := reg.AddKey(t, reg.AddUser(t, "bob"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	reg.mustPublish(key, "base", "1.1.0")
	reg.call("POST", "/api/packages/base/releases/1.0.0/retire", auth(key),
		jsonBody(t, map[string]any{"reason": "security", "message": "CVE-1"})).wantStatus(http.StatusNoContent)

	reg.call("POST", "/api/packages/base/retire", auth(other),
		jsonBody(t, map[string]any{"reason": "deprecated", "message": "use other"})).wantStatus(http.StatusForbidden)
	reg.call("POST", "/api/packages/base/retire", auth(key),
		jsonBody(t, map[string]any{"reason": "nonsense"})).wantStatus(http.StatusUnprocessableEntity)
	reg.call("POST", "/api/packages/base/retire", auth(key),
		jsonBody(t, map[string]any{"reason": "deprecated", "message": "use other"})).wantStatus(http.StatusNoContent)

	reasons := map[string]string{}
	for _, rel := range reg.repoPackage("base").Releases {
		if rel.Retired != nil {
			reasons[rel.Version] = rel.Retired.Reason
		}
	}
	if reasons["1.0.0"] != "security" || reasons["1.1.0"] != "deprecated" {
		t.Fatalf("retirements %v: 1.0.0 must keep its reason, 1.1.0 be deprecated", reasons)
	}
	reg.call("POST", "/api/packages/base/retire", auth(key),
		jsonBody(t, map[string]any{"reason": "renamed", "message": "now base2", "replace": true})).wantStatus(http.StatusNoContent)
	for _, rel := range reg.repoPackage("base").Releases {
		if rel.Retired == nil || rel.Retired.Reason != "renamed" {
			t.Errorf("%s after replace: %+v", rel.Version, rel.Retired)
		}
	}
}
