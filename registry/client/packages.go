package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Package is what GET /api/packages/NAME says of a package, reduced to
// what ship shows or decides on.
type Package struct {
	Name                string      `json:"name"`
	Repository          string      `json:"repository"`
	URL                 string      `json:"url"`
	HTMLURL             string      `json:"html_url"`
	DocsHTMLURL         string      `json:"docs_html_url"`
	LatestVersion       string      `json:"latest_version"`
	LatestStableVersion string      `json:"latest_stable_version"`
	Meta                PackageMeta `json:"meta"`
	// Releases, newest first as hex.pm lists them.
	Releases []Release `json:"releases"`
	// Owners when the server lists them (hex.pm and shipyard do); their
	// Level is not part of this view: Owners has it.
	Owners []Owner `json:"owners"`
}

// PackageMeta is the description a package's newest release gave it.
type PackageMeta struct {
	Description string            `json:"description"`
	Licenses    []string          `json:"licenses"`
	Links       map[string]string `json:"links"` // name → URL
}

// Release is one release in a package's list.
type Release struct {
	Version string `json:"version"`
	URL     string `json:"url"`
	HasDocs bool   `json:"has_docs"`
}

// Package returns the package called name (GET /api/packages/NAME); a
// package that does not exist is an *Error with Status 404.
func (c *Client) Package(ctx context.Context, name string) (*Package, error) {
	seg, err := segment("package name", name)
	if err != nil {
		return nil, err
	}
	var p Package
	if _, err := c.call(ctx, request{method: http.MethodGet, path: "/packages/" + seg}, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// segment escapes s as one path segment. Empty, "." and ".." are refused:
// they would name another resource once the path is resolved.
func segment(what, s string) (string, error) {
	switch s {
	case "":
		return "", errors.New("empty " + what)
	case ".", "..":
		return "", errors.New("invalid " + what + " " + s)
	}
	return url.PathEscape(s), nil
}
