package auth_test

import (
	"testing"

	"github.com/hexship/ship/auth"
)

func TestAuthorizationHeader(t *testing.T) {
	for _, tc := range []struct{ token, want string }{
		// shipyard's access tokens
		{"shya_3q2-7wEvQ_Xb1", "Bearer shya_3q2-7wEvQ_Xb1"},
		// hex.pm's access tokens are JWTs
		{"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyOmFkYSJ9.c2lnbmF0dXJl", "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyOmFkYSJ9.c2lnbmF0dXJl"},
		// API keys (hex.pm's are 32 hex digits) go raw
		{"0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"},
		{"shipyard_key_abc", "shipyard_key_abc"},
		// not JWTs: too few or too many parts, empty parts, other characters
		{"a.b", "a.b"},
		{"a.b.c.d", "a.b.c.d"},
		{"a..c", "a..c"},
		{"a.b=.c", "a.b=.c"},
		{"a.b+.c", "a.b+.c"},
		// a refresh token is not an access token
		{"shyr_abc", "shyr_abc"},
		// white space from an environment variable
		{" shya_abc\n", "Bearer shya_abc"},
		{"0123abcd\n", "0123abcd"},
	} {
		if got := auth.AuthorizationHeader(tc.token); got != tc.want {
			t.Errorf("AuthorizationHeader(%q) = %q, want %q", tc.token, got, tc.want)
		}
	}
}

func TestCanWrite(t *testing.T) {
	for _, tc := range []struct {
		scopes []string
		want   bool
	}{
		{nil, false},
		{[]string{"api:read", "repositories"}, false},
		{[]string{"api:read", "api:write"}, true},
		{[]string{"api"}, true},
		{[]string{"package:shipyard/x"}, false},
	} {
		c := &auth.Credentials{Scopes: tc.scopes}
		if got := c.CanWrite(); got != tc.want {
			t.Errorf("CanWrite with %q = %v, want %v", tc.scopes, got, tc.want)
		}
	}
}
