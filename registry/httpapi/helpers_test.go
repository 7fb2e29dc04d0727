package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/registry/etf"
	"github.com/hexship/ship/registry/repofile"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

// repoName is the repository the test registry hosts; package-scoped keys
// name it ("shipyard/NAME").
const repoName = shipyardtest.RepoName

// Media types as clients send them.
const (
	mediaErlang = "application/vnd.hex+erlang"
	mediaJSON   = "application/json"
	mediaTar    = "application/octet-stream"
)

// start is when every test registry's clock begins.
var start = shipyardtest.DefaultStart

// testRegistry is a whole shipyard (see shipyardtest) with the request
// helpers of these tests.
type testRegistry struct {
	t testing.TB
	*shipyardtest.Registry
	pub []byte // the repository's public key, PEM
}

// newRegistry starts a registry for t; opts are shipyardtest's.
func newRegistry(t testing.TB, opts ...shipyardtest.Option) *testRegistry {
	t.Helper()
	return &testRegistry{t: t, Registry: shipyardtest.Start(t, opts...)}
}

// Permissions used throughout.
var (
	permRead  = store.Permission{Domain: "api", Resource: "read"}
	permWrite = store.Permission{Domain: "api", Resource: "write"}
)

func permPackage(name string) store.Permission {
	return store.Permission{Domain: "package", Resource: repoName + "/" + name}
}

// option shapes a request.
type option func(*http.Request)

// auth sets the Authorization header (a raw key, as Hex clients send it).
func auth(v string) option {
	return func(q *http.Request) { q.Header.Set("Authorization", v) }
}

func header(k, v string) option {
	return func(q *http.Request) { q.Header.Set(k, v) }
}

// acceptErlang asks for Erlang term responses, as hex_core does.
var acceptErlang = header("Accept", mediaErlang)

// body sets the request body with its content type and length.
func body(contentType string, data []byte) option {
	return func(q *http.Request) {
		q.Header.Set("Content-Type", contentType)
		q.Body = io.NopCloser(bytes.NewReader(data))
		q.ContentLength = int64(len(data))
		q.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
}

// jsonBody sends v as JSON.
func jsonBody(t *testing.T, v any) option {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return body(mediaJSON, data)
}

// etfBody sends v as Erlang terms, as hex_core does.
func etfBody(t *testing.T, v any) option {
	t.Helper()
	data, err := etf.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return body(mediaErlang, data)
}

// response is a finished HTTP exchange.
type response struct {
	t      testing.TB
	req    string // "METHOD PATH", for messages
	status int
	header http.Header
	body   []byte
}

// call sends one request to the registry.
func (r *testRegistry) call(method, path string, opts ...option) *response {
	r.t.Helper()
	q, err := http.NewRequest(method, r.URL+path, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	q.Header.Set("User-Agent", "httpapi-test")
	for _, o := range opts {
		o(q)
	}
	resp, err := http.DefaultClient.Do(q)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return &response{t: r.t, req: method + " " + path, status: resp.StatusCode, header: resp.Header, body: data}
}

// wantStatus fails the test unless the status is want.
func (p *response) wantStatus(want int) *response {
	p.t.Helper()
	if p.status != want {
		p.t.Fatalf("%s: status %d, want %d; body: %s", p.req, p.status, want, p.body)
	}
	return p
}

// value decodes the body by its content type: JSON or Erlang terms.
func (p *response) value() any {
	p.t.Helper()
	ct := p.header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, mediaErlang):
		v, err := etf.Decode(p.body)
		if err != nil {
			p.t.Fatalf("%s: body is not an Erlang term: %v", p.req, err)
		}
		return v
	case strings.HasPrefix(ct, mediaJSON):
		var v any
		if err := json.Unmarshal(p.body, &v); err != nil {
			p.t.Fatalf("%s: body is not JSON: %v\n%s", p.req, err, p.body)
		}
		return v
	}
	p.t.Fatalf("%s: body of content-type %q: %q", p.req, ct, p.body)
	return nil
}

// object is the body as a map.
func (p *response) object() map[string]any {
	p.t.Helper()
	m, ok := p.value().(map[string]any)
	if !ok {
		p.t.Fatalf("%s: body is not an object: %s", p.req, p.body)
	}
	return m
}

// list is the body as a list.
func (p *response) list() []any {
	p.t.Helper()
	l, ok := p.value().([]any)
	if !ok {
		p.t.Fatalf("%s: body is not a list: %s", p.req, p.body)
	}
	return l
}

// wantError checks hex.pm's error envelope: the status in the header and
// in the body, the message, and (when errs is not nil) the field errors.
func (p *response) wantError(status int, message string, errs map[string]any) {
	p.t.Helper()
	p.wantStatus(status)
	m := p.object()
	if got := fmt.Sprint(m["status"]); got != fmt.Sprint(status) {
		p.t.Errorf("%s: envelope status %v, want %d", p.req, m["status"], status)
	}
	if m["message"] != message {
		p.t.Errorf("%s: message %q, want %q", p.req, m["message"], message)
	}
	if errs != nil && !reflect.DeepEqual(m["errors"], errs) {
		p.t.Errorf("%s: errors\n got %s\nwant %s", p.req, show(m["errors"]), show(errs))
	}
}

// wantTarError checks a 422 {"errors": {"tar": msg}}.
func (p *response) wantTarError(msg string) {
	p.t.Helper()
	p.wantError(http.StatusUnprocessableEntity, "Validation error(s)", map[string]any{"tar": msg})
}

// show renders a decoded value for a failure message.
func show(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(data)
}

// get walks a decoded body: get(m, "a", "b") is m["a"]["b"].
func get(v any, path ...string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// metadata is valid metadata of a small Erlang package.
func metadata(name, version string) tarball.Metadata {
	return tarball.Metadata{
		Name: name, Version: version, App: name,
		Description: "A package of the httpapi tests.",
		Licenses:    []string{"Apache-2.0"},
		BuildTools:  []string{"rebar3"},
		Files:       []string{"src/" + name + ".erl"},
	}
}

// build makes a package tarball of meta with one source file.
func build(t testing.TB, meta tarball.Metadata) []byte {
	t.Helper()
	src := []byte("-module(" + meta.App + ").\n% " + meta.Version + "\n")
	files := []tarball.File{{
		Name: "src/" + meta.App + ".erl", Mode: 0o644, Size: int64(len(src)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil },
	}}
	var buf bytes.Buffer
	if _, err := tarball.Build(&buf, meta, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// publish uploads tar to /api/packages/NAME/releases with replace.
func (r *testRegistry) publish(key, name string, tar []byte, replace bool) *response {
	r.t.Helper()
	return r.call("POST", fmt.Sprintf("/api/packages/%s/releases?replace=%t", name, replace),
		auth(key), body(mediaTar, tar), header("Accept", mediaJSON))
}

// mustPublish publishes a new valid release and returns its tarball.
func (r *testRegistry) mustPublish(key, name, version string) []byte {
	r.t.Helper()
	tar := build(r.t, metadata(name, version))
	r.publish(key, name, tar, false).wantStatus(http.StatusCreated)
	return tar
}

// blobFiles lists every file under the blob directory, temporary ones
// included.
func (r *testRegistry) blobFiles() []string {
	r.t.Helper()
	var files []string
	root := filepath.Join(r.DataDir, "blobs")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		r.t.Fatal(err)
	}
	return files
}

// publicKey fetches and parses the repository's public key.
func (r *testRegistry) publicKey() []byte {
	r.t.Helper()
	if r.pub == nil {
		r.pub = r.call("GET", "/repo/public_key").wantStatus(http.StatusOK).body
	}
	return r.pub
}

// open verifies a signed repository file and returns its payload.
func (r *testRegistry) open(file []byte) []byte {
	r.t.Helper()
	pub, err := repofile.ParsePublicKeyPEM(r.publicKey())
	if err != nil {
		r.t.Fatal(err)
	}
	payload, err := repofile.Open(file, pub)
	if err != nil {
		r.t.Fatalf("repository file does not verify: %v", err)
	}
	return payload
}

// repoNames is the list of packages /repo/names holds.
func (r *testRegistry) repoNames() []string {
	r.t.Helper()
	names, err := repofile.DecodeNames(r.open(r.call("GET", "/repo/names").wantStatus(http.StatusOK).body), repoName)
	if err != nil {
		r.t.Fatal(err)
	}
	out := []string{}
	for _, p := range names.Packages {
		out = append(out, p.Name)
	}
	return out
}

// repoPackage decodes /repo/packages/NAME.
func (r *testRegistry) repoPackage(name string) *repofile.Package {
	r.t.Helper()
	p, err := repofile.DecodePackage(r.open(r.call("GET", "/repo/packages/"+name).wantStatus(http.StatusOK).body), repoName, name)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}
