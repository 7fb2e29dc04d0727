package auth

import (
	"encoding/json"
	"errors"
	"slices"
	"time"
)

// ClientID is ship's OAuth client id, registered by every shipyard (a
// test checks it matches the server's). ship is a public client: it has
// no secret, since a command-line tool cannot keep one (RFC 8628 §5.6).
const ClientID = "27f204dd-816b-470a-bbff-95ce50205373"

// Credentials are what a login leaves behind: the tokens, when they were
// issued and expire, the scopes granted, and who they belong to once the
// command line has asked the server.
type Credentials struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	ExpiresAt    time.Time `json:"expires_at"`
	IssuedAt     time.Time `json:"issued_at"`
	Scopes       []string  `json:"scopes,omitempty"`
	Username     string    `json:"username,omitempty"`
}

// CanWrite reports whether the login may publish and change owners: the
// person granted `api` or `api:write`, which the server allows only to
// accounts with two-factor authentication.
func (c *Credentials) CanWrite() bool {
	return slices.Contains(c.Scopes, "api") || slices.Contains(c.Scopes, "api:write")
}

// Errors a caller tells apart to choose its words and exit code.
var (
	// ErrDenied: the person refused the login in the browser.
	ErrDenied = errors.New("the login was denied in the browser")
	// ErrCodeExpired: nobody approved the code before it expired.
	ErrCodeExpired = errors.New("the login code expired before it was approved")
	// ErrNotLoggedIn: no credentials are stored for the registry.
	ErrNotLoggedIn = errors.New("not logged in")
	// ErrSessionEnded: the stored login can no longer be refreshed (it
	// expired, was revoked, or was logged out elsewhere); only a new login
	// helps.
	ErrSessionEnded = errors.New("the login session has ended")
)

// errDamaged is why stored credentials that cannot be read count as no
// login at all: the remedy is the same, logging in again.
var errDamaged = errors.New("the stored credentials cannot be read")

// encode is how credentials are kept in a tokenstore.
func encode(c *Credentials) ([]byte, error) {
	return json.Marshal(c)
}

// decode reads stored credentials. Anything that is not an object with an
// access token is damaged; the error never quotes the data, which may
// hold a secret.
func decode(data []byte) (*Credentials, error) {
	var c Credentials
	if err := json.Unmarshal(data, &c); err != nil || c.AccessToken == "" {
		return nil, errDamaged
	}
	return &c, nil
}
