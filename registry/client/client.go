package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/hexship/ship/registry/api"
)

// Client calls one registry's API. The zero value is not usable: API must
// be set. A Client is safe for concurrent use when Credential is.
type Client struct {
	// API is the API base URL without a trailing slash, e.g.
	// https://hex.pm/api.
	API string
	// HTTP sends the requests. Nil means Go's default transport set up
	// for uploads: it waits for "100 Continue" before sending a tarball,
	// so a refused publish costs no bytes, bounds the wait for an answer,
	// and follows only redirects of reads that stay on their host (a
	// write would lose its body, and a one-time code must not reach
	// another host). A caller's own client should also set
	// Transport.ExpectContinueTimeout for the same saving.
	HTTP *http.Client
	// UserAgent identifies ship, e.g. "ship/1.2.0 (go/go1.26.8)"; hex.pm
	// refuses requests without one, so "" means a generic ship agent.
	UserAgent string
	// Credential returns the Authorization header value ("Bearer TOKEN"
	// or a raw API key). It is called for every request, so a token
	// refreshed meanwhile is picked up; its error is returned as is. Nil,
	// or an empty value, sends the request anonymously.
	Credential func(ctx context.Context) (string, error)
}

// Limits on what is read of an answer: the largest JSON document the
// client accepts (a package with thousands of releases stays far below),
// and how much of an error body is kept.
const (
	maxAnswer    = 32 << 20
	maxErrorBody = 64 << 10
)

// Timeouts of DefaultHTTP.
const (
	// expectContinueWait is how long an upload waits for the server's
	// "100 Continue" before sending the body anyway. hex.pm checks the
	// credential first and refuses before the 100, so a refused upload
	// costs no bytes; the wait only matters for servers that ignore the
	// Expect header, and must outlast a slow link's round trip.
	expectContinueWait = 5 * time.Second
	// responseHeaderWait bounds the wait for an answer once a request,
	// upload included, is sent; a publish is checked and stored in that
	// time.
	responseHeaderWait = 2 * time.Minute
)

var defaultHTTP = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ExpectContinueTimeout = expectContinueWait
	t.ResponseHeaderTimeout = responseHeaderWait
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}
})

// checkRedirect follows a redirect only for a GET or HEAD that stays on
// its host and does not downgrade from https; any other redirect is
// answered to the caller as an *Error naming where it pointed.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	switch {
	case len(via) >= 5:
		return http.ErrUseLastResponse
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		return http.ErrUseLastResponse
	case !strings.EqualFold(req.URL.Host, first.URL.Host):
		return http.ErrUseLastResponse
	case first.URL.Scheme == "https" && req.URL.Scheme != "https":
		return http.ErrUseLastResponse
	}
	return nil
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP()
}

func (c *Client) userAgent() string {
	if c.UserAgent != "" {
		return c.UserAgent
	}
	return "ship (go/" + runtime.Version() + ")"
}

// request is one API call.
type request struct {
	method string
	path   string // under API, already escaped, may carry a query
	otp    string // x-hex-otp, for writes
	json   any    // a JSON body, when not nil
	// body and size are a raw body (an upload); body nil means none.
	body        io.Reader
	size        int64
	contentType string
	expect100   bool
}

// send builds and sends r and returns the answer when it is a success
// (2xx). Anything else is closed and returned as an *Error.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	if c.API == "" {
		return nil, errors.New("no API URL configured")
	}
	var (
		body        io.Reader
		size        int64
		jsonData    []byte
		contentType = r.contentType
	)
	switch {
	case r.json != nil:
		var err error
		if jsonData, err = json.Marshal(r.json); err != nil {
			return nil, err
		}
		body, size, contentType = bytes.NewReader(jsonData), int64(len(jsonData)), api.MediaJSON
	case r.body != nil:
		body, size = r.body, r.size
	}
	req, err := http.NewRequestWithContext(ctx, r.method, strings.TrimRight(c.API, "/")+r.path, nil)
	if err != nil {
		return nil, err
	}
	if body != nil {
		// Set by hand rather than through NewRequest: an upload is read
		// once, from the reader the caller gave for this call, so the
		// transport gets no GetBody to replay it with. A JSON body is
		// ours and may be sent again if a kept-alive connection turns out
		// dead before anything was written.
		req.ContentLength = size
		req.Body = io.NopCloser(body)
		if size == 0 {
			req.Body = http.NoBody
		}
		if jsonData != nil {
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(jsonData)), nil }
		}
		req.Header.Set("Content-Type", contentType)
		if r.expect100 {
			req.Header.Set("Expect", "100-continue")
		}
	}
	req.Header.Set("Accept", api.MediaJSON)
	req.Header.Set("User-Agent", c.userAgent())
	if c.Credential != nil {
		cred, err := c.Credential(ctx)
		if err != nil {
			return nil, err
		}
		if cred != "" {
			req.Header.Set("Authorization", cred)
		}
	}
	if r.otp != "" {
		req.Header.Set(api.HeaderOTP, r.otp)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	// A body cut short still leaves the status, which says enough.
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return nil, decodeError(resp.StatusCode, resp.Header, data)
}

// call sends r and decodes a JSON answer into out (nil: the answer is
// discarded, as for hex.pm's 204s).
func (c *Client) call(ctx context.Context, r request, out any) (*http.Response, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if out == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return resp, nil
	}
	if err := decodeJSON(resp, out); err != nil {
		return nil, fmt.Errorf("reading the answer to %s %s: %w", r.method, pathOnly(r.path), err)
	}
	return resp, nil
}

// decodeJSON reads a success answer's JSON body.
func decodeJSON(resp *http.Response, out any) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return err
	}
	if len(data) > maxAnswer {
		return fmt.Errorf("the answer is over %d MiB", maxAnswer>>20)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the server's answer (%s) is not the Hex API's JSON: %w", describeType(resp.Header.Get("Content-Type")), err)
	}
	return nil
}

func describeType(ct string) string {
	if ct == "" {
		return "no content type"
	}
	return clean(ct)
}

// pathOnly drops the query, for messages.
func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}
