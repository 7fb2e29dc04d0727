package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/hexship/ship/registry/etf"
)

// FuzzRequestBodies sends arbitrary bodies, in every format the API
// accepts, to the endpoints that parse one, and checks that the answer is
// always a well-formed client error or success: never a 500, never a
// broken envelope.
func FuzzRequestBodies(f *testing.F) {
	reg := newRegistry(f)
	key := reg.AddKey(f, reg.AddUser(f, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")

	term := func(v any) []byte {
		b, err := etf.Encode(v)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	for _, seed := range []struct {
		endpoint    uint8
		contentType string
		body        []byte
	}{
		{0, mediaErlang, term(map[string]any{"name": "ci", "permissions": []any{map[string]any{"domain": "api", "resource": "read"}}})},
		{0, mediaJSON, []byte(`{"name": "ci2", "permissions": [{"domain": "package", "resource": "shipyard/base"}]}`)},
		{0, "application/x-www-form-urlencoded", []byte("name=form")},
		{1, mediaErlang, term(map[string]any{"level": "maintainer", "transfer": false})},
		{1, mediaJSON, []byte(`{"level": "full", "transfer": "true"}`)},
		{2, mediaErlang, term(map[string]any{"reason": "security", "message": "Leaks memory"})},
		{2, mediaJSON, []byte(`{"reason": "other"}`)},
		{2, mediaErlang, []byte{131, 80, 0, 0, 0, 1, 120, 156}},
		{0, "application/vnd.hex+json", []byte(`[1, 2]`)},
		{1, "text/plain", []byte("hello")},
		{2, mediaErlang, []byte{131, 108, 0, 0, 0, 1, 97, 1, 106}},
	} {
		f.Add(seed.endpoint, seed.contentType, seed.body)
	}

	endpoints := []struct{ method, path string }{
		{"POST", "/api/keys"},
		// alice changes her own ownership, so no input can lock her out.
		{"PUT", "/api/packages/base/owners/alice"},
		{"POST", "/api/packages/base/releases/1.0.0/retire"},
	}
	f.Fuzz(func(t *testing.T, endpoint uint8, contentType string, data []byte) {
		ep := endpoints[int(endpoint)%len(endpoints)]
		if !validHeaderValue(contentType) {
			t.Skip("no HTTP client can send this content-type")
		}
		q, err := http.NewRequest(ep.method, reg.URL+ep.path, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		q.Header.Set("Authorization", key)
		q.Header["Content-Type"] = []string{contentType}
		resp, err := http.DefaultClient.Do(q)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch resp.StatusCode {
		case http.StatusOK, http.StatusCreated, http.StatusNoContent:
			return
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("%s %s with %q %q: status %d: %s", ep.method, ep.path, contentType, data, resp.StatusCode, answer)
		}
		var envelope struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(answer, &envelope); err != nil || envelope.Status != resp.StatusCode || envelope.Message == "" {
			t.Fatalf("%s %s: status %d with body %q", ep.method, ep.path, resp.StatusCode, answer)
		}
	})
}

// validHeaderValue reports whether v may be sent as a header value: no
// control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
