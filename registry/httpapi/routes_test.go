package httpapi_test

import (
	"net/http"
	"testing"
)

// hex_core puts /repos/REPO in front of package paths when a client is
// configured with an API repository; this server answers for its own.
func TestRepositoryPrefixedRoutes(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")

	reg.call("POST", "/api/repos/shipyard/packages/base/releases?replace=false", auth(key),
		body(mediaTar, build(t, metadata("base", "1.0.0")))).wantStatus(http.StatusCreated)
	reg.call("POST", "/api/repos/shipyard/publish?replace=false", auth(key),
		body(mediaTar, build(t, metadata("base", "1.1.0")))).wantStatus(http.StatusCreated)
	pkg := reg.call("GET", "/api/repos/shipyard/packages/base").wantStatus(http.StatusOK).object()
	if pkg["repository"] != repoName || pkg["latest_version"] != "1.1.0" {
		t.Errorf("package: %s", show(pkg))
	}
	reg.call("GET", "/api/repos/shipyard/packages/base/releases/1.0.0").wantStatus(http.StatusOK)

	// Another repository's packages do not exist here, whatever the key.
	for _, path := range []string{"/api/repos/hexpm/packages/base", "/api/repos/acme/packages/base/releases/1.0.0"} {
		reg.call("GET", path, auth(key)).wantError(http.StatusNotFound, "Page not found", nil)
	}
	reg.call("POST", "/api/repos/acme/packages/base/releases?replace=true", auth(key),
		body(mediaTar, build(t, metadata("base", "1.0.0")))).wantError(http.StatusNotFound, "Page not found", nil)
	reg.call("GET", "/api/packages/base/releases/1.0.0").wantStatus(http.StatusOK)
}
