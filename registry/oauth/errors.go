package oauth

import (
	"errors"
	"net/http"
)

// Error is an OAuth error response: a code from RFC 6749 §5.2 or RFC 8628
// §3.5, a description, and the status hex.pm answers it with.
type Error struct {
	Code        string
	Description string
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

// Status is the HTTP status hex.pm uses for the error code.
func (e *Error) Status() int {
	switch e.Code {
	case "invalid_client":
		return http.StatusUnauthorized
	case "access_denied":
		return http.StatusForbidden
	case "server_error":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func oauthError(code, description string) *Error {
	return &Error{Code: code, Description: description}
}

// Errors of the web approval of a device, in the words the page shows.
var (
	ErrUnknownCode   = errors.New("Invalid verification code")
	ErrExpiredCode   = errors.New("Verification code has expired")
	ErrProcessedCode = errors.New("This application has already been processed")
	ErrWriteNeeds2FA = errors.New("Two-factor authentication is required for write access. Enable it in your security settings, then start the login again.")
	ErrBadScopes     = errors.New("Choose at least one of the permissions the device asked for, and only those.")
)

// Errors of bearer-token authentication.
var (
	// ErrTokenInvalid: unknown, revoked, or not an access token.
	ErrTokenInvalid = errors.New("invalid access token")
	// ErrTokenExpired: a real access token past its expiry; the client
	// should refresh and retry.
	ErrTokenExpired = errors.New("access token expired")
)
