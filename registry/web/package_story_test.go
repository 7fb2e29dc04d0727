package web_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/tarball"
)

// storyTarball builds a package tarball with a README.
func storyTarball(t *testing.T, name, version, readme string) []byte {
	t.Helper()
	files := map[string]string{"README.md": readme, "src/" + name + ".erl": "-module(" + name + ")."}
	var list []tarball.File
	var names []string
	for _, n := range []string{"README.md", "src/" + name + ".erl"} {
		body := files[n]
		names = append(names, n)
		list = append(list, tarball.File{Name: n, Mode: 0o644, Size: int64(len(body)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }})
	}
	meta := tarball.Metadata{Name: name, Version: version, App: name, Description: "Story package.", Licenses: []string{"MIT"},
		Links: []tarball.Link{{Name: "GitHub", URL: "https://github.com/acme/" + name}}, Files: names,
		BuildTools: []string{"rebar3"}, Requirements: []tarball.Requirement{}}
	var buf bytes.Buffer
	if _, err := tarball.Build(&buf, meta, list); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// storyCall sends one request and returns the status and body.
func storyCall(t *testing.T, method, url, key, ctype string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", key)
		req.Header.Set("Accept", "application/json")
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// TestPackagePageAfterPublishThroughAPI publishes two releases through the
// API of a whole registry with an API key, retires one and replaces the
// other, and reads the package pages as a visitor would.
func TestPackagePageAfterPublishThroughAPI(t *testing.T) {
	r := shipyardtest.Start(t)
	ada := r.AddUser(t, "ada")
	key := r.AddKey(t, ada, "publish")
	for _, v := range []string{"1.0.0", "1.1.0"} {
		status, body := storyCall(t, "POST", r.URL+"/api/publish", key, "application/octet-stream",
			storyTarball(t, "story", v, "# Story "+v+"\n\n![logo](logo.png)\n"))
		if status != http.StatusCreated && status != http.StatusOK {
			t.Fatalf("publish %s: %d %s", v, status, body)
		}
	}
	status, body := storyCall(t, "POST", r.URL+"/api/packages/story/releases/1.0.0/retire", key, "application/json",
		[]byte(`{"reason":"invalid","message":"broken build"}`))
	if status != http.StatusNoContent && status != http.StatusOK {
		t.Fatalf("retire: %d %s", status, body)
	}

	status, body = storyCall(t, "GET", r.URL+"/packages/story", "", "", nil)
	if status != http.StatusOK {
		t.Fatalf("page: %d", status)
	}
	for _, want := range []string{
		`<span class="package-version">1.1.0</span>`, ">Story 1.1.0</h1>",
		`src="https://raw.githubusercontent.com/acme/story/HEAD/logo.png"`,
		`{:story, &#34;~&gt; 1.1&#34;, repo: &#34;` + shipyardtest.RepoName + `&#34;}`,
		"by ada", "<li>ada</li>", "Retired: invalid", "broken build",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	status, body = storyCall(t, "GET", r.URL+"/packages/story/1.0.0", "", "", nil)
	if status != http.StatusOK || !strings.Contains(body, "This release is retired: broken build") || !strings.Contains(body, ">Story 1.0.0</h1>") {
		t.Errorf("1.0.0 page: %d", status)
	}

	// A replace stores a new tarball; the page shows its README at once.
	status, body = storyCall(t, "POST", r.URL+"/api/publish?replace=true", key, "application/octet-stream",
		storyTarball(t, "story", "1.1.0", "# Story replaced\n"))
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("replace: %d %s", status, body)
	}
	if _, body = storyCall(t, "GET", r.URL+"/packages/story", "", "", nil); !strings.Contains(body, ">Story replaced</h1>") {
		t.Error("the page still shows the README of the replaced tarball")
	}
	for _, path := range []string{"/packages/nothing", "/packages/story/9.9.9"} {
		if status, _ := storyCall(t, "GET", r.URL+path, "", "", nil); status != http.StatusNotFound {
			t.Errorf("%s: %d", path, status)
		}
	}
}
