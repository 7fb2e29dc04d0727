package s3_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/blob/blobtest"
	"github.com/hexship/ship/registry/blob/s3"
)

func TestMain(m *testing.M) {
	// Without credentials the SDK's default chain would ask the EC2
	// metadata address; tests only ever talk to this machine.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	os.Exit(m.Run())
}

// serverURL returns the test server's store URL from SHIPYARD_TEST_S3, or
// skips the test when there is none.
func serverURL(t *testing.T) *url.URL {
	t.Helper()
	raw := os.Getenv("SHIPYARD_TEST_S3")
	if raw == "" {
		t.Skip("set SHIPYARD_TEST_S3 (.ci/run starts an S3 server) to run the S3 blob tests")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("SHIPYARD_TEST_S3: %v", err)
	}
	if os.Getenv("AWS_ACCESS_KEY_ID") == "" || os.Getenv("AWS_SECRET_ACCESS_KEY") == "" {
		t.Fatal("SHIPYARD_TEST_S3 is set but AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is not")
	}
	return u
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// under returns u with path appended to its prefix.
func under(u *url.URL, path string) string {
	v := *u
	v.Path = strings.TrimSuffix(v.Path, "/") + "/" + path
	return v.String()
}

// freshPrefix returns a prefix no other test uses.
func freshPrefix() string {
	return "test-" + randomHex(8)
}

// open opens rawURL and removes every blob under its prefix when the test
// ends.
func open(t *testing.T, rawURL string) *s3.Store {
	t.Helper()
	s, err := s3.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := s.Keys(ctx)
		if err != nil {
			t.Errorf("listing the test's blobs: %v", err)
		}
		for _, k := range keys {
			if err := s.Delete(ctx, k); err != nil {
				t.Errorf("removing the test's blobs: %v", err)
			}
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	u := serverURL(t)
	blobtest.Run(t, func(t *testing.T) blob.Store {
		return open(t, under(u, freshPrefix()))
	})
}

func put(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	if n, err := s.Put(t.Context(), key, bytes.NewReader(data)); err != nil || n != int64(len(data)) {
		t.Fatalf("Put(%q) = %d, %v; want %d bytes", key, n, err, len(data))
	}
}

func get(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	f, _, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return data
}

// The URL's path is a prefix: every blob is the object PREFIX/key, so
// stores with different prefixes share a bucket without meeting.
func TestPrefix(t *testing.T) {
	u := serverURL(t)
	prefix := freshPrefix()
	outer := open(t, under(u, prefix))
	inner := open(t, under(u, prefix+"/docs/"))
	other := open(t, under(u, freshPrefix()))

	put(t, outer, "docs/plug-1.0.0.tar.gz", []byte("docs"))
	if got := get(t, inner, "plug-1.0.0.tar.gz"); string(got) != "docs" {
		t.Fatalf("through the longer prefix the blob holds %q", got)
	}
	if _, err := other.Stat(t.Context(), "docs/plug-1.0.0.tar.gz"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("a store under another prefix: Stat error = %v, want ErrNotFound", err)
	}
	put(t, other, "docs/plug-1.0.0.tar.gz", []byte("other"))
	if got := get(t, outer, "docs/plug-1.0.0.tar.gz"); string(got) != "docs" {
		t.Fatalf("a Put under another prefix changed the blob to %q", got)
	}
}

// Put sends what is left of a reader that can seek, from where it stands,
// as it would for one that cannot.
func TestPutFromReaderPosition(t *testing.T) {
	s := open(t, under(serverURL(t), freshPrefix()))
	data := []byte("header:the content")
	r := bytes.NewReader(data)
	r.Seek(int64(len("header:")), io.SeekStart)
	put(t, s, "seeker", data[len("header:"):])
	if n, err := s.Put(t.Context(), "seeker", r); err != nil || n != int64(len("the content")) {
		t.Fatalf("Put = %d, %v", n, err)
	}
	if got := get(t, s, "seeker"); string(got) != "the content" {
		t.Fatalf("from a positioned reader the blob holds %q", got)
	}
	if _, err := s.Put(t.Context(), "reader", io.MultiReader(strings.NewReader("the"), strings.NewReader(" content"))); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "reader"); string(got) != "the content" {
		t.Fatalf("from a plain reader the blob holds %q", got)
	}
}

// wantCleanError checks that an Open error says what is wrong where, and
// carries no secret.
func wantCleanError(t *testing.T, err error, mustSay []string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("Open succeeded")
	}
	msg := err.Error()
	t.Logf("error: %s", msg)
	for _, s := range mustSay {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not say %q", msg, s)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("error %q holds a secret", msg)
		}
	}
}

func endpoint(u *url.URL) string {
	return u.Query().Get("endpoint")
}

func TestMissingBucket(t *testing.T) {
	u := serverURL(t)
	missing := *u
	missing.Host = "shipyard-missing-" + randomHex(6)
	s, err := s3.Open(t.Context(), missing.String())
	if s != nil {
		t.Errorf("Open returned a store with its error")
	}
	wantCleanError(t, err, []string{missing.Host, endpoint(u), "does not exist"}, os.Getenv("AWS_SECRET_ACCESS_KEY"))
}

func TestWrongCredentials(t *testing.T) {
	u := serverURL(t)
	realKey, realSecret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	for _, tt := range []struct{ name, key, secret string }{
		{"WrongSecret", realKey, "wrong-secret-" + randomHex(12)},
		{"UnknownKey", "nobody" + randomHex(6), "wrong-secret-" + randomHex(12)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", tt.key)
			t.Setenv("AWS_SECRET_ACCESS_KEY", tt.secret)
			s, err := s3.Open(t.Context(), u.String())
			if s != nil {
				t.Errorf("Open returned a store with its error")
			}
			wantCleanError(t, err, []string{u.Host, endpoint(u), "credentials"}, tt.secret, realSecret)
		})
	}
}

// A server that does not answer is named in the error; no S3 server is
// needed for this one.
func TestUnreachableEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	secret := "secret-" + randomHex(12)
	t.Setenv("AWS_ACCESS_KEY_ID", "shipyard")
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	_, err = s3.Open(t.Context(), "s3://registry?endpoint=http://"+addr)
	wantCleanError(t, err, []string{`"registry"`, "http://" + addr}, secret)
}

// A File that must make a new request after its key was replaced fails
// rather than go on with the new content.
func TestSeekBackAfterReplaced(t *testing.T) {
	s := open(t, under(serverURL(t), freshPrefix()))
	old, next := bytes.Repeat([]byte("old!"), 100_000), bytes.Repeat([]byte("new?"), 100_000)
	put(t, s, "k", old)
	f, _, err := s.Open(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 1000)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, old[:1000]) {
		t.Fatalf("first read: %v", err)
	}
	put(t, s, "k", next)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	if !errors.Is(err, s3.ErrChanged) || len(got) != 0 {
		t.Fatalf("reading from the start again after a replace: %d bytes, error %v; want ErrChanged", len(got), err)
	}
	if !strings.Contains(err.Error(), `"k"`) {
		t.Errorf("error %q does not name the key", err)
	}
	if got := get(t, s, "k"); !bytes.Equal(got, next) {
		t.Fatalf("a new Open read %d bytes, not the new content", len(got))
	}
}

// Seek moves within the opened content as often as asked, with the same
// bytes each time, including after the end.
func TestSeekAround(t *testing.T) {
	s := open(t, under(serverURL(t), freshPrefix()))
	data := make([]byte, 600_000)
	rand.Read(data)
	put(t, s, "k", data)
	f, _, err := s.Open(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1000)
	for _, off := range []int64{500_000, 10, 20_000, 599_000, 0, 300_000, 300_500} {
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(f, buf); err != nil || !bytes.Equal(buf, data[off:off+1000]) {
			t.Fatalf("reading 1000 bytes at %d: %v, or other bytes", off, err)
		}
	}
	if pos, err := f.Seek(10, io.SeekEnd); err != nil || pos != int64(len(data))+10 {
		t.Fatalf("Seek(10, SeekEnd) = %d, %v", pos, err)
	}
	if n, err := f.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read past the end = %d, %v; want io.EOF", n, err)
	}
	if _, err := f.Seek(-1, io.SeekStart); err == nil {
		t.Fatal("Seek to -1 succeeded")
	}
	f.Close()
	if _, err := f.Read(buf); err == nil {
		t.Fatal("Read after Close succeeded")
	}
}
