package httpapi_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"
	"time"
)

// docsTarball is a gzipped tar of a small documentation site.
func docsTarball(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, content := range map[string]string{"index.html": "<h1>base</h1>\n", "base.html": "<p>API</p>\n"} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(content))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRepositoryFilesAreCacheableAndRevalidate(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	uploaded := reg.mustPublish(key, "base", "1.0.0")

	tests := []struct {
		path, cache string
	}{
		{"/repo/names", "public, max-age=3600"},
		{"/repo/versions", "public, max-age=3600"},
		{"/repo/packages/base", "public, max-age=3600"},
		{"/repo/public_key", "public, max-age=3600"},
		// A tarball can still be replaced during its first hour.
		{"/repo/tarballs/base-1.0.0.tar", "public, max-age=60"},
	}
	etags := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := reg.call("GET", tt.path).wantStatus(http.StatusOK)
			etag := resp.header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 3 {
				t.Fatalf("ETag %q is not a strong entity tag", etag)
			}
			if got := resp.header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("cache-control %q, want %q", got, tt.cache)
			}
			if len(resp.body) == 0 {
				t.Error("empty body")
			}
			etags[tt.path] = etag

			again := reg.call("GET", tt.path, header("If-None-Match", etag))
			again.wantStatus(http.StatusNotModified)
			if len(again.body) != 0 {
				t.Errorf("304 with a body of %d bytes", len(again.body))
			}
			if got := again.header.Get("ETag"); got != etag {
				t.Errorf("304 with ETag %q, want %q", got, etag)
			}
			reg.call("GET", tt.path, header("If-None-Match", `"stale"`)).wantStatus(http.StatusOK)
		})
	}

	if got := reg.call("GET", "/repo/tarballs/base-1.0.0.tar").body; !bytes.Equal(got, uploaded) {
		t.Errorf("the served tarball (%d bytes) is not the uploaded one (%d bytes)", len(got), len(uploaded))
	}

	// A new package changes /names and /versions; a new version of base
	// changes its file and /versions.
	reg.mustPublish(key, "more", "1.0.0")
	for _, path := range []string{"/repo/names", "/repo/versions"} {
		resp := reg.call("GET", path, header("If-None-Match", etags[path])).wantStatus(http.StatusOK)
		if resp.header.Get("ETag") == etags[path] {
			t.Errorf("%s kept its ETag after a new package", path)
		}
	}
	reg.call("GET", "/repo/packages/base", header("If-None-Match", etags["/repo/packages/base"])).wantStatus(http.StatusNotModified)
	reg.mustPublish(key, "base", "1.1.0")
	reg.call("GET", "/repo/packages/base", header("If-None-Match", etags["/repo/packages/base"])).wantStatus(http.StatusOK)
	if names := reg.repoNames(); strings.Join(names, ",") != "base,more" {
		t.Errorf("/repo/names: %q", names)
	}
}

func TestRepositoryAnswers404ForWhatItDoesNotHold(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	for _, path := range []string{
		"/repo/packages/ghost",
		"/repo/tarballs/ghost-1.0.0.tar",
		"/repo/tarballs/base-9.9.9.tar",
		"/repo/tarballs/base.tar",
		"/repo/tarballs/base-1.0.0.tar.gz",
		"/repo/docs/base-1.0.0.tar.gz",
		"/repo/docs/ghost-1.0.0.tar.gz",
		"/repo/nothing",
		"/api/packages/ghost",
		"/api/packages/ghost/releases/1.0.0",
		"/api/nothing",
	} {
		reg.call("GET", path).wantStatus(http.StatusNotFound)
	}
	reg.call("GET", "/api/packages/ghost").wantError(http.StatusNotFound, "Page not found", nil)
}

func TestDocsUploadIsServedFromTheRepository(t *testing.T) {
	reg := newRegistry(t)
	alice := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	bob := reg.AddKey(t, reg.AddUser(t, "bob"), "k")
	reg.mustPublish(alice, "base", "1.0.0")
	const docsPath = "/api/packages/base/releases/1.0.0/docs"
	docs := docsTarball(t)

	reg.call("POST", docsPath, body(mediaTar, docs)).wantError(http.StatusUnauthorized, "missing authentication information", nil)
	reg.call("POST", docsPath, auth(bob), body(mediaTar, docs)).wantError(http.StatusForbidden, "account not authorized for this action", nil)
	reg.call("POST", "/api/packages/base/releases/2.0.0/docs", auth(alice), body(mediaTar, docs)).wantStatus(http.StatusNotFound)
	bad := reg.call("POST", docsPath, auth(alice), body(mediaTar, []byte("not gzip")))
	bad.wantStatus(http.StatusUnprocessableEntity)
	if msg, _ := get(bad.object(), "errors", "tar").(string); !strings.HasPrefix(msg, "invalid gzip") {
		t.Errorf("docs that are not gzip: %s", bad.body)
	}
	reg.call("GET", "/repo/docs/base-1.0.0.tar.gz").wantStatus(http.StatusNotFound)
	reg.call("GET", docsPath).wantStatus(http.StatusNotFound)

	resp := reg.call("POST", docsPath, auth(alice), body(mediaTar, docs)).wantStatus(http.StatusCreated)
	location := reg.URL + "/repo/docs/base-1.0.0.tar.gz"
	if got := resp.header.Get("Location"); got != location {
		t.Errorf("location %q, want %q", got, location)
	}
	if got := reg.call("GET", "/repo/docs/base-1.0.0.tar.gz").wantStatus(http.StatusOK).body; !bytes.Equal(got, docs) {
		t.Error("the served docs are not the uploaded ones")
	}
	if get(reg.call("GET", "/api/packages/base/releases/1.0.0").object(), "has_docs") != true {
		t.Error("has_docs is not set")
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	redirect, err := noFollow.Get(reg.URL + docsPath)
	if err != nil {
		t.Fatal(err)
	}
	redirect.Body.Close()
	if redirect.StatusCode != http.StatusFound || redirect.Header.Get("Location") != location {
		t.Errorf("GET %s: %d to %q, want 302 to %s", docsPath, redirect.StatusCode, redirect.Header.Get("Location"), location)
	}

	reg.call("DELETE", docsPath, auth(alice)).wantStatus(http.StatusNoContent)
	reg.call("GET", "/repo/docs/base-1.0.0.tar.gz").wantStatus(http.StatusNotFound)
	if get(reg.call("GET", "/api/packages/base/releases/1.0.0").object(), "has_docs") != false {
		t.Error("has_docs is still set")
	}
	for _, f := range reg.blobFiles() {
		if strings.HasPrefix(f, "docs/") {
			t.Errorf("deleted docs left %s", f)
		}
	}
}

// Once it can no longer be replaced (an hour after its publication, and a
// day after its package's) a tarball may be cached for a week, as hex.pm's
// repository does; before, only briefly.
func TestOldTarballsAreCachedForAWeek(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	reg.mustPublish(key, "base", "1.0.0")
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{
		{61 * time.Minute, "public, max-age=60"}, // the package is new: still replaceable
		{24 * time.Hour, "public, max-age=604800"},
	} {
		reg.Clock.Advance(step.advance)
		resp := reg.call("GET", "/repo/tarballs/base-1.0.0.tar").wantStatus(http.StatusOK)
		if got := resp.header.Get("Cache-Control"); got != step.want {
			t.Errorf("cache-control %q, want %q", got, step.want)
		}
	}
}

// Tarball locations are cached between publishes; a replace or a revert
// must never leave the old answer behind.
func TestServedTarballFollowsReplaceAndRevert(t *testing.T) {
	reg := newRegistry(t)
	key := reg.AddKey(t, reg.AddUser(t, "alice"), "k")
	first := reg.mustPublish(key, "base", "1.0.0")
	if got := reg.call("GET", "/repo/tarballs/base-1.0.0.tar").wantStatus(http.StatusOK).body; string(got) != string(first) {
		t.Fatal("the first tarball is not served")
	}
	meta := metadata("base", "1.0.0")
	meta.Description = "Replaced."
	second := build(t, meta)
	reg.publish(key, "base", second, true).wantStatus(http.StatusOK)
	if got := reg.call("GET", "/repo/tarballs/base-1.0.0.tar").wantStatus(http.StatusOK).body; string(got) != string(second) {
		t.Fatal("after a replace the old tarball is still served")
	}
	reg.call("DELETE", "/api/packages/base/releases/1.0.0", auth(key)).wantStatus(http.StatusNoContent)
	reg.call("GET", "/repo/tarballs/base-1.0.0.tar").wantStatus(http.StatusNotFound)
}
