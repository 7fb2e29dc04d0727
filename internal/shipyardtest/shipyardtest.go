// Package shipyardtest starts a whole shipyard registry (API, website and
// repository over a real SQLite file and blob directory) on a loopback
// port for tests, and sets up in its store what the tests of a person's
// side need first: accounts, API keys, TOTP enrolment, device-login
// approval and the codes an authenticator app would show.
package shipyardtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hexship/ship/internal/testclock"
	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/server"
)

// RepoName is the repository every test registry hosts; package-scoped
// keys name it ("shipyard/NAME").
const RepoName = "shipyard"

// DefaultStart is when a test registry's clock begins unless StartAt says
// otherwise. It is far from the wall clock on purpose, so that code
// reading the wall clock instead of the registry's Now shows.
var DefaultStart = time.Date(2030, time.March, 14, 15, 9, 26, 0, time.UTC)

// Registry is a running test registry. Its server and backends close when
// the test that started it ends.
type Registry struct {
	URL      string // base URL, no trailing slash
	DataDir  string // holds the SQLite file and the blob directory
	Backends *server.Backends
	Clock    *testclock.Clock // the registry's Now; tests move it by hand
	Server   *httptest.Server // closing it early takes the registry down
}

// Option changes how Start sets a registry up.
type Option func(*settings)

type settings struct {
	dataDir     string
	start       time.Time
	accessTTL   time.Duration
	wrapBlobs   func(blob.Store) blob.Store
	wrapHandler func(http.Handler) http.Handler
}

// DataDir runs the registry on dir, which may hold a registry already,
// instead of a fresh temporary directory.
func DataDir(dir string) Option { return func(s *settings) { s.dataDir = dir } }

// StartAt starts the registry's clock at t instead of DefaultStart (tests
// driving a real browser start it at the wall clock, for the cookies).
func StartAt(t time.Time) Option { return func(s *settings) { s.start = t } }

// AccessTokenTTL makes access tokens live d instead of the server's
// default.
func AccessTokenTTL(d time.Duration) Option { return func(s *settings) { s.accessTTL = d } }

// WrapBlobs has the server use wrap(store) as its blob store, to watch or
// break it; Backends.Blobs is the wrapped store.
func WrapBlobs(wrap func(blob.Store) blob.Store) Option {
	return func(s *settings) { s.wrapBlobs = wrap }
}

// WrapHandler serves wrap(handler) instead of the registry's handler, to
// record requests or answer some in the test's place.
func WrapHandler(wrap func(http.Handler) http.Handler) Option {
	return func(s *settings) { s.wrapHandler = wrap }
}

// Start opens a registry in a temporary directory and serves it until t
// ends.
func Start(t testing.TB, opts ...Option) *Registry {
	t.Helper()
	s := settings{start: DefaultStart}
	for _, o := range opts {
		o(&s)
	}
	if s.dataDir == "" {
		s.dataDir = t.TempDir()
	}
	b, err := server.Open(context.Background(), server.Storage{DataDir: s.dataDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if s.wrapBlobs != nil {
		b.Blobs = s.wrapBlobs(b.Blobs)
	}
	clock := testclock.New(s.start)
	// The URL is known before the handler is made, so that the links the
	// registry writes (verification URIs, pages) point at itself.
	srv := httptest.NewUnstartedServer(nil)
	url := "http://" + srv.Listener.Addr().String()
	var h http.Handler = server.Handler(server.Config{RepoName: RepoName, PublicURL: url, AccessTokenTTL: s.accessTTL, Now: clock.Now}, b)
	if s.wrapHandler != nil {
		h = s.wrapHandler(h)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return &Registry{URL: url, DataDir: s.dataDir, Backends: b, Clock: clock, Server: srv}
}
