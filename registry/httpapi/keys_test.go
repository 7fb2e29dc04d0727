package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// format is one of the body encodings a client may speak.
type format struct {
	name   string
	media  string
	body   func(t *testing.T, v any) option
	accept option
	time   func(time.Time) string // how a datetime comes back
}

var formats = []format{
	{"json", mediaJSON, jsonBody, header("Accept", mediaJSON), jsonTime},
	{"erlang", mediaErlang, etfBody, acceptErlang, func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }},
}

var secretPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// keyNames lists the names in a list of key views.
func keyNames(list []any) []string {
	var names []string
	for _, k := range list {
		names = append(names, get(k, "name").(string))
	}
	return names
}

func TestKeysLifecycle(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			reg := newRegistry(t)
			boot := reg.AddKey(t, reg.AddUser(t, "alice"), "boot")
			call := func(method, path, key string, v any) *response {
				t.Helper()
				opts := []option{f.accept}
				if key != "" {
					opts = append(opts, auth(key))
				}
				if v != nil {
					opts = append(opts, f.body(t, v))
				}
				resp := reg.call(method, path, opts...)
				if ct := resp.header.Get("Content-Type"); len(resp.body) > 0 && !strings.HasPrefix(ct, f.media) {
					t.Fatalf("%s %s: content-type %q, want %s", method, path, ct, f.media)
				}
				return resp
			}

			list := call("GET", "/api/keys", boot, nil).wantStatus(http.StatusOK).list()
			if names := keyNames(list); strings.Join(names, ",") != "boot" || get(list[0], "authing_key") != true {
				t.Fatalf("keys at first: %s", show(list))
			}

			// Create: 201, location, and the secret this once.
			resp := call("POST", "/api/keys", boot, map[string]any{
				"name":        "ci",
				"permissions": []any{map[string]any{"domain": "api", "resource": "read"}},
			}).wantStatus(http.StatusCreated)
			if loc := resp.header.Get("Location"); loc != reg.URL+"/api/keys/ci" {
				t.Errorf("location %q", loc)
			}
			created := resp.object()
			secret, _ := created["secret"].(string)
			if !secretPattern.MatchString(secret) {
				t.Fatalf("secret %q is not 32 lowercase hex characters", created["secret"])
			}
			if show(created["permissions"]) != `[{"domain":"api","resource":"read"}]` {
				t.Errorf("permissions %s", show(created["permissions"]))
			}
			if created["authing_key"] != false || created["revoke_at"] != nil {
				t.Errorf("created key: %s", show(created))
			}

			// Usable at once, with the permissions it was given.
			usedAt := reg.Clock.Now()
			call("GET", "/api/users/me", secret, nil).wantStatus(http.StatusOK)
			call("POST", "/api/keys", secret, map[string]any{"name": "escalate"}).
				wantError(http.StatusUnauthorized, "key not authorized for this action", nil)

			// Never shown again; its last use is.
			reg.Clock.Advance(time.Minute)
			shown := call("GET", "/api/keys/ci", boot, nil).wantStatus(http.StatusOK).object()
			if shown["secret"] != nil {
				t.Errorf("GET /api/keys/ci shows the secret")
			}
			wantUse := map[string]any{"used_at": f.time(usedAt), "ip": "127.0.0.1", "user_agent": "httpapi-test"}
			if show(shown["last_use"]) != show(wantUse) {
				t.Errorf("last_use %s, want %s", show(shown["last_use"]), show(wantUse))
			}
			list = call("GET", "/api/keys", boot, nil).wantStatus(http.StatusOK).list()
			if names := keyNames(list); strings.Join(names, ",") != "boot,ci" {
				t.Errorf("keys: %q", names)
			}
			for _, k := range list {
				if get(k, "secret") != nil {
					t.Errorf("GET /api/keys shows the secret of %v", get(k, "name"))
				}
			}

			call("POST", "/api/keys", boot, map[string]any{"name": "ci"}).
				wantError(http.StatusUnprocessableEntity, "Validation error(s)", map[string]any{"name": "has already been taken"})
			call("POST", "/api/keys", boot, map[string]any{"name": "  "}).
				wantError(http.StatusUnprocessableEntity, "Validation error(s)", map[string]any{"name": "can't be blank"})
			bad := call("POST", "/api/keys", boot, map[string]any{
				"name":        "bad",
				"permissions": []any{map[string]any{"domain": "everything"}},
			})
			bad.wantStatus(http.StatusUnprocessableEntity)
			if get(bad.object(), "errors", "permissions") == nil {
				t.Errorf("a bad permission domain: %s", bad.body)
			}

			// Revoke one: it stops working and disappears.
			revokedAt := reg.Clock.Now()
			rv := call("DELETE", "/api/keys/ci", boot, nil).wantStatus(http.StatusOK).object()
			if rv["name"] != "ci" || rv["revoke_at"] != f.time(revokedAt) {
				t.Errorf("revoked key view: %s", show(rv))
			}
			call("GET", "/api/users/me", secret, nil).wantError(http.StatusUnauthorized, "API key revoked", nil)
			call("GET", "/api/keys/ci", boot, nil).wantStatus(http.StatusNotFound)
			call("DELETE", "/api/keys/ci", boot, nil).wantStatus(http.StatusNotFound)
			if names := keyNames(call("GET", "/api/keys", boot, nil).list()); strings.Join(names, ",") != "boot" {
				t.Errorf("keys after revoking ci: %q", names)
			}

			// The name is free again, for a new secret.
			again := call("POST", "/api/keys", boot, map[string]any{"name": "ci"}).wantStatus(http.StatusCreated).object()
			secret2, _ := again["secret"].(string)
			if secret2 == secret || !secretPattern.MatchString(secret2) {
				t.Errorf("second secret %q", secret2)
			}
			call("GET", "/api/keys/ci", boot, nil).wantStatus(http.StatusOK)
			call("GET", "/api/users/me", secret, nil).wantError(http.StatusUnauthorized, "API key revoked", nil)
			call("GET", "/api/users/me", secret2, nil).wantStatus(http.StatusOK)

			// Revoke all, the key doing it included.
			all := call("DELETE", "/api/keys", boot, nil).wantStatus(http.StatusOK).list()
			if names := keyNames(all); strings.Join(names, ",") != "boot,ci" {
				t.Errorf("revoked: %q", names)
			}
			for _, k := range []string{boot, secret2} {
				call("GET", "/api/users/me", k, nil).wantError(http.StatusUnauthorized, "API key revoked", nil)
			}
		})
	}
}

func TestKeyLastUseFollowsTheClientAndTheClock(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddUser(t, "alice")
	boot := reg.AddKey(t, alice, "boot")
	ci := reg.AddKey(t, alice, "ci", permRead)

	lastUse := func() string {
		t.Helper()
		return show(get(reg.call("GET", "/api/keys/ci", auth(boot)).wantStatus(http.StatusOK).object(), "last_use"))
	}
	if got := lastUse(); got != "null" {
		t.Fatalf("an unused key has last_use %s", got)
	}
	reg.call("GET", "/api/users/me", auth(ci), header("User-Agent", "hex/2.5.1 (elixir/1.19.0)")).wantStatus(http.StatusOK)
	first := show(map[string]any{"used_at": jsonTime(reg.Clock.Now()), "ip": "127.0.0.1", "user_agent": "hex/2.5.1 (elixir/1.19.0)"})
	if got := lastUse(); got != first {
		t.Errorf("last_use %s, want %s", got, first)
	}

	reg.Clock.Advance(2 * time.Hour)
	reg.call("GET", "/api/users/me", auth(ci), header("User-Agent", "rebar3/3.25.0")).wantStatus(http.StatusOK)
	second := show(map[string]any{"used_at": jsonTime(reg.Clock.Now()), "ip": "127.0.0.1", "user_agent": "rebar3/3.25.0"})
	if got := lastUse(); got != second {
		t.Errorf("last_use %s, want %s", got, second)
	}
}
