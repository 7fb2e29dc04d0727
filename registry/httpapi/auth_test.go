package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/hexship/ship/registry/store"
)

func TestPackageScopedKeyWritesOnlyItsPackage(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddUser(t, "alice")
	full := reg.AddKey(t, alice, "full")
	mine := reg.AddKey(t, alice, "mine", permPackage("mine"))
	otherRepo := reg.AddKey(t, alice, "hexpm", store.Permission{Domain: "package", Resource: "hexpm/mine"})
	reg.mustPublish(full, "other", "1.0.0")

	// Its own package: a first release and a replacement, by either route.
	reg.publish(mine, "mine", build(t, metadata("mine", "1.0.0")), false).wantStatus(http.StatusCreated)
	reg.call("POST", "/api/publish?replace=true", auth(mine), body(mediaTar, build(t, metadata("mine", "1.0.0")))).
		wantStatus(http.StatusOK)
	reg.call("POST", "/api/packages/mine/releases/1.0.0/retire", auth(mine),
		jsonBody(t, map[string]any{"reason": "other", "message": "testing"})).wantStatus(http.StatusNoContent)

	// Any other package, whichever route names it, is refused and left alone.
	notAllowed := "key not authorized for this action"
	reg.publish(mine, "other", build(t, metadata("other", "1.1.0")), false).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("POST", "/api/publish", auth(mine), body(mediaTar, build(t, metadata("other", "1.1.0")))).
		wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.publish(mine, "newer", build(t, metadata("newer", "1.0.0")), false).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("POST", "/api/publish", auth(mine), body(mediaTar, build(t, metadata("newer", "1.0.0")))).
		wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("POST", "/api/packages/other/releases/1.0.0/retire", auth(mine),
		jsonBody(t, map[string]any{"reason": "other", "message": "testing"})).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("DELETE", "/api/packages/other/releases/1.0.0", auth(mine)).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("GET", "/api/packages/other/releases/1.1.0").wantStatus(http.StatusNotFound)
	reg.call("GET", "/api/packages/newer").wantStatus(http.StatusNotFound)

	// Nor may it manage keys.
	reg.call("POST", "/api/keys", auth(mine), jsonBody(t, map[string]any{"name": "escalate"})).
		wantError(http.StatusUnauthorized, notAllowed, nil)

	// The same package in another repository is another package.
	reg.publish(otherRepo, "mine", build(t, metadata("mine", "1.1.0")), false).wantError(http.StatusUnauthorized, notAllowed, nil)
}

func TestReadOnlyKeyCannotWrite(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddUser(t, "alice")
	full := reg.AddKey(t, alice, "full")
	read := reg.AddKey(t, alice, "read", permRead)
	reg.mustPublish(full, "base", "1.0.0")
	notAllowed := "key not authorized for this action"

	reg.call("GET", "/api/users/me", auth(read)).wantStatus(http.StatusOK)
	reg.call("GET", "/api/keys", auth(read)).wantStatus(http.StatusOK)

	reg.publish(read, "base", build(t, metadata("base", "1.1.0")), false).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("POST", "/api/publish", auth(read), body(mediaTar, build(t, metadata("base", "1.1.0")))).
		wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("DELETE", "/api/packages/base/releases/1.0.0", auth(read)).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("POST", "/api/packages/base/releases/1.0.0/retire", auth(read),
		jsonBody(t, map[string]any{"reason": "other", "message": "testing"})).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("PUT", "/api/packages/base/owners/alice", auth(read), jsonBody(t, map[string]any{"level": "full"})).
		wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("POST", "/api/keys", auth(read), jsonBody(t, map[string]any{"name": "escalate"})).
		wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("DELETE", "/api/keys/full", auth(read)).wantError(http.StatusUnauthorized, notAllowed, nil)
	reg.call("DELETE", "/api/keys", auth(read)).wantError(http.StatusUnauthorized, notAllowed, nil)

	reg.call("GET", "/api/packages/base/releases/1.1.0").wantStatus(http.StatusNotFound)
	reg.call("GET", "/api/packages/base/releases/1.0.0").wantStatus(http.StatusOK)
	reg.call("GET", "/api/users/me", auth(full)).wantStatus(http.StatusOK)
}

func TestCredentialFailuresAnswerAsHexPM(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddUser(t, "alice")
	full := reg.AddKey(t, alice, "full")
	revoked := reg.AddKey(t, alice, "old")
	reg.call("DELETE", "/api/keys/old", auth(full)).wantStatus(http.StatusOK)

	tests := []struct {
		name, header, message, challenge string
	}{
		{"none", "", "missing authentication information", "Basic realm=hex"},
		{"unknown key", "0123456789abcdef0123456789abcdef", "invalid API key", "Basic realm=hex"},
		{"uppercase key", "0123456789ABCDEF0123456789ABCDEF", "invalid API key", "Basic realm=hex"},
		{"revoked key", revoked, "API key revoked", "Basic realm=hex"},
		{"unknown bearer token", "Bearer abc.def.ghi", "invalid API key", "Basic realm=hex"},
		{"password", "Basic YWxpY2U6c2VjcmV0", "Basic authentication is disabled. Update your client to use OAuth or an API key.", `Bearer realm="hex"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []option
			if tt.header != "" {
				opts = append(opts, auth(tt.header))
			}
			for _, path := range []string{"/api/users/me", "/api/keys"} {
				resp := reg.call("GET", path, opts...)
				resp.wantError(http.StatusUnauthorized, tt.message, nil)
				if got := resp.header.Get("www-authenticate"); got != tt.challenge {
					t.Errorf("GET %s: www-authenticate %q, want %q", path, got, tt.challenge)
				}
			}
		})
	}

	// Public reads need no credentials, but bad ones are not ignored.
	reg.mustPublish(full, "base", "1.0.0")
	reg.call("GET", "/api/packages/base").wantStatus(http.StatusOK)
	reg.call("GET", "/api/packages/base", auth(revoked)).wantError(http.StatusUnauthorized, "API key revoked", nil)
	reg.call("GET", "/api/packages/base", auth("Basic YWxpY2U6c2VjcmV0")).
		wantError(http.StatusUnauthorized, "Basic authentication is disabled. Update your client to use OAuth or an API key.", nil)
}

func TestAuthEndpointAnswersWhatAKeyMayDo(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddUser(t, "alice")
	keys := map[string]string{
		"write":   reg.AddKey(t, alice, "write", permWrite),
		"read":    reg.AddKey(t, alice, "read", permRead),
		"full":    reg.AddKey(t, alice, "full"),
		"package": reg.AddKey(t, alice, "package", permPackage("mine")),
	}
	tests := []struct {
		key, query string
		ok         bool
	}{
		{"write", "domain=api&resource=write", true},
		{"write", "domain=api&resource=read", true},
		{"write", "domain=api", true},
		{"read", "domain=api&resource=read", true},
		{"read", "domain=api&resource=write", false},
		{"full", "domain=api&resource=write", true},
		{"package", "domain=package&resource=shipyard/mine", true},
		{"package", "domain=package&resource=shipyard/other", false},
		{"package", "domain=api&resource=write", false},
		{"read", "domain=package&resource=shipyard/mine", false},
	}
	for _, tt := range tests {
		t.Run(tt.key+" "+tt.query, func(t *testing.T) {
			resp := reg.call("GET", "/api/auth?"+tt.query, auth(keys[tt.key]))
			if !tt.ok {
				resp.wantError(http.StatusUnauthorized, "key not authorized for this action", nil)
				return
			}
			view := resp.wantStatus(http.StatusOK).object()
			if view["name"] != tt.key || view["authing_key"] != true || view["secret"] != nil {
				t.Errorf("key view: %s", resp.body)
			}
		})
	}
	reg.call("GET", "/api/auth?domain=api&resource=read").wantError(http.StatusUnauthorized, "missing authentication information", nil)
}
