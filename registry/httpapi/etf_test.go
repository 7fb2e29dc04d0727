package httpapi_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"net/http"
	"testing"

	"github.com/hexship/ship/registry/etf"
)

// compressed returns term_to_binary(v, [compressed]): 131, 80, the
// uncompressed size, then the zlib-deflated term without its version byte.
func compressed(t *testing.T, v any) []byte {
	t.Helper()
	plain, err := etf.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.Write([]byte{131, 80})
	binary.Write(&buf, binary.BigEndian, uint32(len(plain)-1))
	zw := zlib.NewWriter(&buf)
	zw.Write(plain[1:])
	zw.Close()
	return buf.Bytes()
}

func TestErlangTermBodiesBothWays(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")

	// A request in terms, answered in terms, as hex_core talks.
	resp := reg.call("PUT", "/api/packages/base/owners/bob", auth(key), acceptErlang,
		etfBody(t, map[string]any{"level": "maintainer", "transfer": false}))
	resp.wantError(http.StatusNotFound, "Page not found", nil)
	if ct := resp.header.Get("Content-Type"); ct != mediaErlang {
		t.Errorf("content-type %q, want %s", ct, mediaErlang)
	}
	if status := resp.object()["status"]; status != int64(404) {
		t.Errorf("status in the term is %#v, want the integer 404", status)
	}

	reg.AddUser(t, "bob")
	reg.call("PUT", "/api/packages/base/owners/bob", auth(key), acceptErlang,
		etfBody(t, map[string]any{"level": "maintainer", "transfer": false})).wantStatus(http.StatusNoContent)
	owners := reg.call("GET", "/api/packages/base/owners", acceptErlang).wantStatus(http.StatusOK)
	levels := map[string]any{}
	for _, o := range owners.list() {
		levels[get(o, "username").(string)] = get(o, "level")
	}
	if show(levels) != `{"alice":"full","bob":"maintainer"}` {
		t.Errorf("owners in terms: %s", show(owners.value()))
	}

	rel := reg.call("GET", "/api/packages/base/releases/1.0.0", acceptErlang).wantStatus(http.StatusOK).object()
	if rel["version"] != "1.0.0" || rel["retirement"] != nil || rel["has_docs"] != false {
		t.Errorf("release in terms: %s", show(rel))
	}
	if rel["inserted_at"] != start.Format("2006-01-02T15:04:05Z") {
		t.Errorf("inserted_at %v: Erlang term bodies carry whole-second UTC times", rel["inserted_at"])
	}

	// An Erlang term body with atom keys decodes too, as binary_to_term
	// would give a map either way.
	atomKeys := []byte{131, 116, 0, 0, 0, 2,
		100, 0, 6, 'r', 'e', 'a', 's', 'o', 'n', 109, 0, 0, 0, 5, 'o', 't', 'h', 'e', 'r',
		100, 0, 7, 'm', 'e', 's', 's', 'a', 'g', 'e', 109, 0, 0, 0, 4, 'o', 'l', 'd', '!'}
	if _, err := etf.Decode(atomKeys); err != nil {
		t.Fatalf("the hand-written term does not decode: %v", err)
	}
	reg.call("POST", "/api/packages/base/releases/1.0.0/retire", auth(key), body(mediaErlang, atomKeys)).
		wantStatus(http.StatusNoContent)
	if show(get(reg.call("GET", "/api/packages/base/releases/1.0.0").object(), "retirement")) != `{"message":"old!","reason":"other"}` {
		t.Error("the retirement sent with atom keys was not stored")
	}
}

func TestBadErlangTermBodiesAreRefused(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	params := map[string]any{"name": "ci", "permissions": []any{map[string]any{"domain": "api", "resource": "read"}}}

	tests := []struct {
		name string
		body []byte
	}{
		{"compressed", compressed(t, params)},
		{"only the compressed tag", []byte{131, 80}},
		{"no version byte", []byte("{\"name\": \"ci\"}")},
		{"truncated", func() []byte { b, _ := etf.Encode(params); return b[:len(b)-3] }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range formats {
				resp := reg.call("POST", "/api/keys", auth(key), f.accept, body(mediaErlang, tt.body))
				resp.wantError(http.StatusBadRequest, "bad binary_to_term", nil)
			}
		})
	}
	keys := reg.call("GET", "/api/keys", auth(key)).wantStatus(http.StatusOK).list()
	if names := keyNames(keys); len(names) != 1 {
		t.Errorf("a refused body created keys: %q", names)
	}
}
