package client

import (
	"context"
	"net/http"
)

// Owner is one owner of a package.
type Owner struct {
	Username string `json:"username"`
	Email    string `json:"email"` // "" when the server does not show it
	// Level is "full" (may also manage owners) or "maintainer" (may
	// publish and retire).
	Level string `json:"level"`
}

// Owners lists the owners of pkg (GET /api/packages/NAME/owners).
func (c *Client) Owners(ctx context.Context, pkg string) ([]Owner, error) {
	p, err := segment("package name", pkg)
	if err != nil {
		return nil, err
	}
	var owners []Owner
	if _, err := c.call(ctx, request{method: http.MethodGet, path: "/packages/" + p + "/owners"}, &owners); err != nil {
		return nil, err
	}
	return owners, nil
}

// AddOwner makes user (a username or an email address) an owner of pkg at
// level ("full" or "maintainer"; "" lets the server choose, "full" on
// hex.pm), or changes the level of an owner. transfer makes user the only
// owner, as `ship owner transfer` does. The caller must be a full owner;
// otp is the two-factor code, when the server asks for one.
func (c *Client) AddOwner(ctx context.Context, pkg, user, level string, transfer bool, otp string) error {
	path, err := ownerPath(pkg, user)
	if err != nil {
		return err
	}
	body := map[string]any{"transfer": transfer}
	if level != "" {
		body["level"] = level
	}
	_, err = c.call(ctx, request{method: http.MethodPut, path: path, json: body, otp: otp}, nil)
	return err
}

// RemoveOwner removes user (a username or an email address) from the
// owners of pkg. otp is the two-factor code, when the server asks for one.
func (c *Client) RemoveOwner(ctx context.Context, pkg, user, otp string) error {
	path, err := ownerPath(pkg, user)
	if err != nil {
		return err
	}
	_, err = c.call(ctx, request{method: http.MethodDelete, path: path, otp: otp}, nil)
	return err
}

// ownerPath is /packages/PKG/owners/USER, escaped.
func ownerPath(pkg, user string) (string, error) {
	p, err := segment("package name", pkg)
	if err != nil {
		return "", err
	}
	u, err := segment("owner", user)
	if err != nil {
		return "", err
	}
	return "/packages/" + p + "/owners/" + u, nil
}
