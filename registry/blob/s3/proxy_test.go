package s3_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hexship/ship/registry/blob/s3"
)

// proxy stands between a store and the test server, to see the requests a
// File makes and to break a response in the middle.
type proxy struct {
	url  *url.URL // the store URL through the proxy, with a fresh prefix
	mu   sync.Mutex
	gets []http.Header // headers of the GETs of objects, in order
	cut  int64         // when > 0, the next object GET's body ends after cut bytes
}

func newProxy(t *testing.T) *proxy {
	t.Helper()
	u := serverURL(t)
	target, err := url.Parse(endpoint(u))
	if err != nil || target.Host == "" {
		t.Fatalf("SHIPYARD_TEST_S3 has no usable endpoint (%v)", err)
	}
	p := &proxy{}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host // the SDK signed the proxy's host
		},
		ModifyResponse: func(resp *http.Response) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.cut > 0 && isObjectGet(resp.Request) {
				resp.Body = &cutBody{r: resp.Body, left: p.cut}
				p.cut = 0
			}
			return nil
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isObjectGet(r) {
			p.mu.Lock()
			p.gets = append(p.gets, r.Header.Clone())
			p.mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	through := *u
	q := through.Query()
	q.Set("endpoint", srv.URL)
	through.RawQuery = q.Encode()
	through.Path = strings.TrimSuffix(through.Path, "/") + "/" + freshPrefix()
	p.url = &through
	return p
}

// isObjectGet tells a GetObject from the bucket's list requests: its path
// (in path style) has a key after the bucket.
func isObjectGet(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(strings.Trim(r.URL.Path, "/"), "/")
}

// objectGets returns the headers of the object GETs since the last call.
func (p *proxy) objectGets() []http.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	gets := p.gets
	p.gets = nil
	return gets
}

// cutNext makes the next object GET's response end after n bytes of body,
// as when a connection breaks.
func (p *proxy) cutNext(n int64) {
	p.mu.Lock()
	p.cut = n
	p.mu.Unlock()
}

// cutBody fails after left bytes; the proxy then aborts the response.
type cutBody struct {
	r    io.ReadCloser
	left int64
}

func (c *cutBody) Read(b []byte) (int, error) {
	if c.left <= 0 {
		return 0, errors.New("connection cut by the test")
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}

func (c *cutBody) Close() error { return c.r.Close() }

func randomContent(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// http.ServeContent seeks to the end and back before it copies the blob:
// that costs no request beyond Open's, and a Range request is served from
// the same kind of File.
func TestServeContentIsOneRequest(t *testing.T) {
	p := newProxy(t)
	s := open(t, p.url.String())
	data := randomContent(700_000)
	put(t, s, "tarballs/plug-1.0.0.tar", data)
	p.objectGets()

	serve := func(rangeHeader string) *httptest.ResponseRecorder {
		f, info, err := s.Open(t.Context(), "tarballs/plug-1.0.0.tar")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		req := httptest.NewRequest(http.MethodGet, "/tarballs/plug-1.0.0.tar", nil)
		if rangeHeader != "" {
			req.Header.Set("Range", rangeHeader)
		}
		rec := httptest.NewRecorder()
		http.ServeContent(rec, req, "plug-1.0.0.tar", info.ModTime, f)
		return rec
	}

	rec := serve("")
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), data) {
		t.Fatalf("ServeContent: status %d, %d bytes; want 200 and the %d bytes stored", rec.Code, rec.Body.Len(), len(data))
	}
	if gets := p.objectGets(); len(gets) != 1 {
		t.Fatalf("serving the whole blob made %d GETs, want 1", len(gets))
	}

	rec = serve("bytes=650000-650099")
	if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), data[650_000:650_100]) {
		t.Fatalf("ServeContent of a range: status %d, %d bytes; want 206 and bytes 650000-650099", rec.Code, rec.Body.Len())
	}
	gets := p.objectGets()
	if len(gets) != 2 || gets[1].Get("Range") != "bytes=650000-" || gets[1].Get("If-Match") == "" {
		t.Fatalf("serving a far range made GETs %v; want Open's, then one from 650000 pinned with If-Match", ranges(gets))
	}
}

func ranges(gets []http.Header) []string {
	var r []string
	for _, h := range gets {
		r = append(r, "Range="+h.Get("Range")+" If-Match="+h.Get("If-Match"))
	}
	return r
}

// A connection that breaks in the middle of a read is resumed where it
// broke, from the same content, and the reader sees nothing of it.
func TestResumeAfterBrokenConnection(t *testing.T) {
	p := newProxy(t)
	s := open(t, p.url.String())
	data := randomContent(1 << 20)
	put(t, s, "k", data)
	p.objectGets()

	p.cutNext(100_000)
	if got := get(t, s, "k"); !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes through a broken connection, not the %d stored", len(got), len(data))
	}
	gets := p.objectGets()
	if len(gets) != 2 || !strings.HasPrefix(gets[1].Get("Range"), "bytes=") || gets[1].Get("If-Match") == "" {
		t.Fatalf("GETs %v; want Open's, then one ranged and pinned with If-Match", ranges(gets))
	}
}

// When the connection breaks after the key was replaced, the File stops
// with ErrChanged: what it returned is the old content's beginning, and
// nothing of the new content follows.
func TestBrokenConnectionAfterReplaced(t *testing.T) {
	p := newProxy(t)
	s := open(t, p.url.String())
	old, next := randomContent(1<<20), randomContent(1<<20)
	put(t, s, "k", old)

	p.cutNext(100_000)
	f, _, err := s.Open(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 1000)
	if _, err := io.ReadFull(f, head); err != nil {
		t.Fatal(err)
	}
	put(t, s, "k", next)
	rest, err := io.ReadAll(f)
	got := append(head, rest...)
	if !errors.Is(err, s3.ErrChanged) {
		t.Fatalf("reading on after a replace and a broken connection: %d bytes, error %v; want ErrChanged", len(got), err)
	}
	if len(got) > 100_000 || !bytes.Equal(got, old[:len(got)]) {
		t.Fatalf("before ErrChanged the File returned %d bytes that are not the start of the old content", len(got))
	}
}

// A reader of a long response keeps reading the content it opened
// while the key is replaced and deleted.
func TestReaderKeepsContent(t *testing.T) {
	s := open(t, under(serverURL(t), freshPrefix()))
	// Larger than what loopback sockets buffer, so the server is still
	// sending when the key changes.
	old := randomContent(24 << 20)
	put(t, s, "k", old)
	f, _, err := s.Open(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []byte
	buf := make([]byte, 64<<10)
	for i := 0; ; i++ {
		n, err := f.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
		switch i {
		case 2:
			put(t, s, "k", randomContent(3<<20))
		case 5:
			if err := s.Delete(t.Context(), "k"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !bytes.Equal(got, old) {
		t.Fatalf("read %d bytes, not the %d opened", len(got), len(old))
	}
}
