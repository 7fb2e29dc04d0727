// Package oauth is shipyard's OAuth 2.0 authorization server, as hex.pm
// runs it for the Hex client: the device authorization grant (RFC 8628)
// with its web approval, refresh-token rotation, the client-credentials
// exchange of an API key, revocation (RFC 7009), and the lookup of a bearer
// token on each API request.
//
// It holds no HTTP handlers: registry/httpapi speaks the wire protocol and
// registry/web renders the approval page; both call a Service. Tokens are
// opaque random strings; only their SHA-256 is stored.
package oauth
