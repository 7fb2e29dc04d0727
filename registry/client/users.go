package client

import (
	"context"
	"net/http"
)

// User is the account a credential belongs to, as GET /api/users/me
// describes it.
type User struct {
	Username string `json:"username"`
	Email    string `json:"email"` // hex.pm shows it only to its owner
	FullName string `json:"full_name"`
	URL      string `json:"url"`
	// Organizations the user belongs to (hex.pm; shipyard has none).
	Organizations []Organization `json:"organizations"`
	// Packages the user owns.
	Packages []UserPackage `json:"packages"`
}

// Organization is one organization of a user, with the user's role in it.
type Organization struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// UserPackage is a package a user owns.
type UserPackage struct {
	Name       string `json:"name"`
	Repository string `json:"repository"`
	URL        string `json:"url"`
	HTMLURL    string `json:"html_url"`
}

// Me returns the user the credential belongs to (GET /api/users/me).
func (c *Client) Me(ctx context.Context) (*User, error) {
	var u User
	if _, err := c.call(ctx, request{method: http.MethodGet, path: "/users/me"}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
