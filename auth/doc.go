// Package auth logs ship in to a registry and keeps it logged in: the
// OAuth device flow (RFC 8628), credentials kept in a tokenstore, silent
// refresh under a cross-process lock so that parallel ship processes never
// spend the same refresh token twice, and logout.
//
// Secrets (access, refresh and device tokens) never appear in errors or
// logs; server descriptions do, cleaned of control characters.
package auth
