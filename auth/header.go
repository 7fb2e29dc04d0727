package auth

import "strings"

// AuthorizationHeader is the Authorization header value for token. OAuth
// access tokens (shipyard's, prefixed shya_, or hex.pm's JWTs) are sent as
// "Bearer TOKEN"; anything else is taken for an API key and sent raw, as
// hex.pm expects keys. Surrounding white space (a trailing newline in an
// environment variable) is dropped.
func AuthorizationHeader(token string) string {
	token = strings.TrimSpace(token)
	if strings.HasPrefix(token, "shya_") || isJWT(token) {
		return "Bearer " + token
	}
	return token
}

// isJWT reports whether s has a JWT's shape: three non-empty base64url
// parts separated by dots. The token is not decoded: clients never look
// inside tokens (hex-protocol §1.7), and the shape alone tells a JWT from
// a hex API key.
func isJWT(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.IndexFunc(p, notBase64URL) >= 0 {
			return false
		}
	}
	return true
}

func notBase64URL(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_')
}
