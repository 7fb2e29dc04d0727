package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/hexship/ship/registry/api"
)

// PublishResult is the registry's answer to a publish: the release as
// hex.pm's release view describes it.
type PublishResult struct {
	Name     string // the package, read from the release's URLs
	Version  string
	URL      string // the release in the API
	HTMLURL  string // the release's web page; "" when the server has none
	Checksum string // lowercase hex SHA-256 of the whole tarball, as mix.lock records it
	// PackageURL is the package in the API.
	PackageURL string
	// Replaced is true when the answer was 200: an existing release was
	// replaced (publish with replace). A new release is answered 201.
	Replaced bool
}

// releaseView is the part of hex.pm's release JSON the result is made of.
type releaseView struct {
	Version    string `json:"version"`
	Checksum   string `json:"checksum"`
	URL        string `json:"url"`
	HTMLURL    string `json:"html_url"`
	PackageURL string `json:"package_url"`
}

// errUploadOver is what the transport reads from an upload once Publish
// has returned.
var errUploadOver = errors.New("the upload was already answered")

// Publish uploads a package tarball of size bytes read from body: POST
// /api/packages/NAME/releases?replace=... when name is given (the
// registry then refuses a non-owner before the upload), else POST
// /api/publish?replace=.... replace allows replacing an existing release
// (within the registry's time limit); otp is the two-factor code, when the
// server asks for one (see IsOTPRequired).
//
// The request says Expect: 100-continue, so a server that refuses the
// credential or the package answers before any byte of body is read. body
// is read once and not buffered: to try again (with a code, or a
// refreshed token), call Publish with a fresh reader. Publish does not
// close body, and reads nothing of it once it has returned (so a Read
// that blocks, on a pipe say, holds up its return). progress, when
// not nil, is called with the bytes sent so far as the body is read; it is
// never called after Publish returns.
func (c *Client) Publish(ctx context.Context, name string, body io.Reader, size int64, replace bool, otp string, progress func(sent int64)) (*PublishResult, error) {
	if body == nil || size <= 0 {
		return nil, errors.New("publish: no tarball to upload")
	}
	// Naming the package lets the registry check ownership before the
	// tarball is sent; hex_core does the same.
	path := "/publish"
	if name != "" {
		p, err := segment("package name", name)
		if err != nil {
			return nil, err
		}
		path = "/packages/" + p + "/releases"
	}
	up := &upload{r: body, progress: progress}
	defer up.stop()
	var view releaseView
	resp, err := c.call(ctx, request{
		method:      http.MethodPost,
		path:        path + "?replace=" + strconv.FormatBool(replace),
		otp:         otp,
		body:        up,
		size:        size,
		contentType: api.MediaTar,
		expect100:   true,
	}, &view)
	if err != nil {
		return nil, err
	}
	return &PublishResult{
		Name:       packageName(view, resp.Header.Get("Location")),
		Version:    view.Version,
		URL:        view.URL,
		HTMLURL:    view.HTMLURL,
		Checksum:   strings.ToLower(view.Checksum),
		PackageURL: view.PackageURL,
		Replaced:   resp.StatusCode == http.StatusOK,
	}, nil
}

// upload counts what the transport reads of a tarball and reports it.
// After stop it reads nothing more of the caller's reader.
type upload struct {
	mu       sync.Mutex
	r        io.Reader
	sent     int64
	progress func(int64)
	stopped  bool
}

func (u *upload) Read(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.stopped {
		return 0, errUploadOver
	}
	n, err := u.r.Read(p)
	if n > 0 {
		u.sent += int64(n)
		if u.progress != nil {
			u.progress(u.sent)
		}
	}
	return n, err
}

// stop waits for a Read under way and makes later ones fail.
func (u *upload) stop() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.stopped = true
}

// packageName finds the package's name, which hex.pm's release view does
// not carry by itself: the last segment of package_url
// (…/packages/NAME), else the segment before "releases" in the release
// URL or in the Location header (…/packages/NAME/releases/VERSION).
func packageName(v releaseView, location string) string {
	if u, err := url.Parse(v.PackageURL); err == nil && v.PackageURL != "" {
		segs := strings.Split(strings.TrimRight(u.EscapedPath(), "/"), "/")
		if len(segs) >= 2 && segs[len(segs)-2] == "packages" {
			if name, err := url.PathUnescape(segs[len(segs)-1]); err == nil && name != "" {
				return name
			}
		}
	}
	for _, raw := range []string{v.URL, location} {
		u, err := url.Parse(raw)
		if err != nil || raw == "" {
			continue
		}
		segs := strings.Split(u.EscapedPath(), "/")
		for i := 1; i+1 < len(segs); i++ {
			if segs[i+1] == "releases" && segs[i-1] == "packages" {
				if name, err := url.PathUnescape(segs[i]); err == nil && name != "" {
					return name
				}
			}
		}
	}
	return ""
}
