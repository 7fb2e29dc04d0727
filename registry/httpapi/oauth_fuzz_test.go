package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/hexship/ship/registry/oauth"
)

// FuzzOAuthBodies sends arbitrary bodies to the OAuth endpoints, which
// anyone may call without credentials, and checks every answer is a
// success or a well-formed client error: never a 500, never a body a
// client could not read.
func FuzzOAuthBodies(f *testing.F) {
	reg := newRegistry(f)
	u := reg.AddUser(f, "alice")
	key := reg.AddKey(f, u, "k")
	tok := reg.deviceLogin(u)
	for _, seed := range []struct {
		endpoint    uint8
		contentType string
		body        string
	}{
		{0, "application/x-www-form-urlencoded", "client_id=" + oauth.ShipClientID + "&scope=api+repositories&name=box"},
		{0, mediaJSON, `{"client_id": "` + oauth.HexClientID + `", "scope": "api:read"}`},
		{1, "application/x-www-form-urlencoded", "grant_type=refresh_token&client_id=" + oauth.ShipClientID + "&refresh_token=" + tok.refresh},
		{1, "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + oauth.HexClientID + "&client_secret=" + key + "&scope=api"},
		{1, mediaJSON, `{"grant_type": "` + oauth.GrantDeviceCode + `", "client_id": "` + oauth.ShipClientID + `", "device_code": 7}`},
		{2, "application/x-www-form-urlencoded", "client_id=" + oauth.ShipClientID + "&token=" + tok.access},
		{3, mediaJSON, `{"token_hash": ["x"]}`},
		{1, mediaErlang, "\x83t\x00\x00\x00\x01m\x00\x00\x00\ngrant_typem\x00\x00\x00\rrefresh_token"},
	} {
		f.Add(seed.endpoint, seed.contentType, []byte(seed.body))
	}
	paths := []string{"/api/oauth/device_authorization", "/api/oauth/token", "/api/oauth/revoke", "/api/oauth/revoke_by_hash"}
	f.Fuzz(func(t *testing.T, endpoint uint8, contentType string, data []byte) {
		path := paths[int(endpoint)%len(paths)]
		if !validHeaderValue(contentType) {
			t.Skip("no HTTP client can send this content-type")
		}
		q, err := http.NewRequest("POST", reg.URL+path, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
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
		case http.StatusOK:
			return
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		default:
			t.Fatalf("POST %s with %q %q: status %d: %s", path, contentType, data, resp.StatusCode, answer)
		}
		var body struct {
			Error   string `json:"error"`
			Status  int    `json:"status"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(answer, &body); err != nil || (body.Error == "" && (body.Status != resp.StatusCode || body.Message == "")) {
			t.Fatalf("POST %s: status %d with body %q", path, resp.StatusCode, answer)
		}
	})
}
