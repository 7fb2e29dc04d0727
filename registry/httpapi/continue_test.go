package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/tarball"
)

// maxUpload is hex.pm's limit on a package tarball: 16 MiB.
const maxUpload = 16 << 20

// rawConn is a client connection on which the test writes the request by
// hand, to control exactly when (and whether) the body is sent.
type rawConn struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
}

func (r *testRegistry) dial() *rawConn {
	r.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(r.URL, "http://"))
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { conn.Close() })
	// A server that waits for a body the test never sends would hang the
	// test; the deadline turns that into a failure with a message.
	if dt, ok := r.t.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := dt.Deadline(); ok {
			conn.SetDeadline(d.Add(-10 * time.Second))
		}
	}
	return &rawConn{t: r.t, conn: conn, br: bufio.NewReader(conn)}
}

// send writes a request head: the request line, the headers given as
// "Name: value" lines, and the blank line.
func (c *rawConn) send(method, path string, headers ...string) {
	c.t.Helper()
	head := method + " " + path + " HTTP/1.1\r\nHost: test\r\nUser-Agent: httpapi-test\r\n"
	for _, h := range headers {
		head += h + "\r\n"
	}
	c.write([]byte(head + "\r\n"))
}

func (c *rawConn) write(data []byte) {
	c.t.Helper()
	if _, err := c.conn.Write(data); err != nil {
		c.t.Fatal(err)
	}
}

// next reads the next response off the wire, interim (1xx) ones included.
func (c *rawConn) next() (*http.Response, []byte) {
	c.t.Helper()
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.t.Fatalf("reading a response: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("reading a response body: %v", err)
	}
	return resp, data
}

// wantFinal reads the next response and checks that it is the final answer
// status with message, not an interim "100 Continue".
func (c *rawConn) wantFinal(status int, message string) map[string]any {
	c.t.Helper()
	resp, data := c.next()
	if resp.StatusCode == http.StatusContinue {
		c.t.Fatalf("the server sent 100 Continue; want %d before any body", status)
	}
	if resp.StatusCode != status {
		c.t.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, data)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatalf("body is not JSON: %v: %s", err, data)
	}
	if m["message"] != message {
		c.t.Errorf("message %q, want %q", m["message"], message)
	}
	return m
}

func TestUploadIsAuthorisedBeforeContinue(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddUser(t, "alice")
	owner := reg.AddKey(t, alice, "write")
	reg.mustPublish(owner, "base", "1.0.0")
	readOnly := reg.AddKey(t, alice, "read", permRead)
	otherPackage := reg.AddKey(t, alice, "other", permPackage("other"))
	revoked := reg.AddKey(t, alice, "revoked")
	reg.call("DELETE", "/api/keys/revoked", auth(owner)).wantStatus(http.StatusOK)
	stranger := reg.AddKey(t, reg.AddUser(t, "bob"), "write", permWrite)

	tar := build(t, metadata("base", "1.1.0"))
	tests := []struct {
		name    string
		path    string
		auth    string // the Authorization header line, if any
		status  int
		message string
	}{
		{"no credentials", "/api/packages/base/releases", "", 401, "missing authentication information"},
		{"no credentials, name from the tarball", "/api/publish", "", 401, "missing authentication information"},
		{"unknown key", "/api/packages/base/releases", "Authorization: 0123456789abcdef0123456789abcdef", 401, "invalid API key"},
		{"malformed key", "/api/packages/base/releases", "Authorization: not-a-key", 401, "invalid API key"},
		{"read-only key", "/api/packages/base/releases", "Authorization: " + readOnly, 401, "key not authorized for this action"},
		{"read-only key, name from the tarball", "/api/publish", "Authorization: " + readOnly, 401, "key not authorized for this action"},
		{"key of another package", "/api/packages/base/releases", "Authorization: " + otherPackage, 401, "key not authorized for this action"},
		{"revoked key", "/api/packages/base/releases", "Authorization: " + revoked, 401, "API key revoked"},
		{"password", "/api/packages/base/releases", "Authorization: Basic YWxpY2U6c2VjcmV0", 401,
			"Basic authentication is disabled. Update your client to use OAuth or an API key."},
		{"not an owner", "/api/packages/base/releases", "Authorization: " + stranger, 403, "account not authorized for this action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reg.dial()
			headers := []string{"Content-Type: " + mediaTar, fmt.Sprintf("Content-Length: %d", len(tar)), "Expect: 100-continue"}
			if tt.auth != "" {
				headers = append(headers, tt.auth)
			}
			c.send("POST", tt.path+"?replace=false", headers...)
			c.wantFinal(tt.status, tt.message)
		})
	}

	t.Run("owner", func(t *testing.T) {
		c := reg.dial()
		c.send("POST", "/api/packages/base/releases?replace=false", "Authorization: "+owner,
			"Content-Type: "+mediaTar, fmt.Sprintf("Content-Length: %d", len(tar)), "Expect: 100-continue", "Accept: "+mediaJSON)
		if resp, data := c.next(); resp.StatusCode != http.StatusContinue {
			t.Fatalf("first response %d, want 100 Continue; body %s", resp.StatusCode, data)
		}
		c.write(tar)
		if resp, data := c.next(); resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d after the body, want 201; body %s", resp.StatusCode, data)
		}
	})
	reg.call("GET", "/api/packages/base/releases/1.1.0").wantStatus(http.StatusOK)
}

func TestUploadSizeLimits(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")

	t.Run("declared length over 16 MiB is refused before the body is read", func(t *testing.T) {
		for _, expect := range []bool{false, true} {
			c := reg.dial()
			headers := []string{"Authorization: " + key, "Content-Type: " + mediaTar,
				fmt.Sprintf("Content-Length: %d", maxUpload+1)}
			if expect {
				headers = append(headers, "Expect: 100-continue")
			}
			c.send("POST", "/api/packages/big/releases?replace=false", headers...)
			// Not one byte of the body is sent: an answer proves the
			// decision was made from the header alone.
			m := c.wantFinal(http.StatusUnprocessableEntity, "Validation error(s)")
			if tar := get(m, "errors", "tar"); tar != "too big" {
				t.Errorf("expect=%t: errors.tar %v, want \"too big\"", expect, tar)
			}
		}
	})

	t.Run("chunked body over 16 MiB", func(t *testing.T) {
		// An io.Reader of unknown length is sent chunked.
		big := io.LimitReader(zeros{}, maxUpload+1)
		resp := reg.call("POST", "/api/packages/big/releases?replace=false", auth(key), header("Content-Type", mediaTar),
			func(q *http.Request) { q.Body, q.ContentLength = io.NopCloser(big), -1 })
		resp.wantTarError("too big")
	})

	t.Run("exactly 16 MiB is not too big", func(t *testing.T) {
		body16 := make([]byte, maxUpload)
		_, readErr := tarball.Read(bytes.NewReader(body16), nil)
		var te *tarball.Error
		if !errors.As(readErr, &te) || errors.Is(readErr, tarball.ErrTooBig) {
			t.Fatalf("tarball.Read of 16 MiB of zeros: %v", readErr)
		}
		reg.call("POST", "/api/packages/big/releases?replace=false", auth(key), body(mediaTar, body16)).
			wantTarError(readErr.Error())
	})

	t.Run("Expect: 100-continue without Content-Length", func(t *testing.T) {
		c := reg.dial()
		c.send("POST", "/api/packages/big/releases?replace=false", "Authorization: "+key, "Content-Type: "+mediaTar,
			"Transfer-Encoding: chunked", "Expect: 100-continue")
		c.wantFinal(http.StatusLengthRequired, "Length required")
	})

	reg.call("GET", "/api/packages/big").wantStatus(http.StatusNotFound)
	if files := reg.blobFiles(); len(files) != 0 {
		t.Errorf("blobs left behind: %q", files)
	}
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
