package client_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

func TestPublish(t *testing.T) {
	r := newRegistry(t)
	alice := r.AddUser(t, "alice")
	c := r.client(r.AddKey(t, alice, "write"))
	tar, built := build(t, metadata("rocket", "1.2.0"))

	var mu sync.Mutex
	var seen []int64
	res, err := c.Publish(context.Background(), "rocket", bytes.NewReader(tar), int64(len(tar)), false, "", func(sent int64) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, sent)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Name":       "rocket",
		"Version":    "1.2.0",
		"URL":        r.URL + "/api/packages/rocket/releases/1.2.0",
		"HTMLURL":    r.URL + "/packages/rocket/1.2.0",
		"Checksum":   hex.EncodeToString(built.OuterChecksum[:]),
		"PackageURL": r.URL + "/api/packages/rocket",
	}
	got := map[string]string{
		"Name": res.Name, "Version": res.Version, "URL": res.URL, "HTMLURL": res.HTMLURL,
		"Checksum": res.Checksum, "PackageURL": res.PackageURL,
	}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("%s = %q, want %q", k, got[k], want[k])
		}
	}
	if res.Replaced {
		t.Error("a new release is reported as replaced")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 || seen[len(seen)-1] != int64(len(tar)) {
		t.Errorf("progress reported %v, want it to end at %d", seen, len(tar))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Errorf("progress went %d then %d", seen[i-1], seen[i])
		}
	}

	// The registry serves what was uploaded.
	pkg, err := c.Package(context.Background(), "rocket")
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Name != "rocket" || pkg.LatestVersion != "1.2.0" || len(pkg.Releases) != 1 || pkg.HTMLURL != r.URL+"/packages/rocket" {
		t.Errorf("package after publishing: %+v", pkg)
	}
	if len(pkg.Owners) != 1 || pkg.Owners[0].Username != "alice" {
		t.Errorf("owners of the package: %+v", pkg.Owners)
	}
}

func TestPublishReplace(t *testing.T) {
	r := newRegistry(t)
	c := r.client(r.AddKey(t, r.AddUser(t, "alice"), "write"))
	mustPublish(t, c, "rocket", "1.0.0")
	meta := metadata("rocket", "1.0.0")
	meta.Description = "Changed."
	tar, built := build(t, meta)

	_, err := publish(c, tar, false, "")
	wantRefusal(t, err, http.StatusUnprocessableEntity,
		"Validation error(s): inserted_at: must include the --replace flag to update an existing release")

	res, err := publish(c, tar, true, "")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Replaced || res.Checksum != hex.EncodeToString(built.OuterChecksum[:]) || res.Name != "rocket" {
		t.Errorf("replacing: %+v", res)
	}
}

func TestPublishFieldErrors(t *testing.T) {
	r := newRegistry(t)
	c := r.client(r.AddKey(t, r.AddUser(t, "alice"), "write"))

	meta := metadata("rocket", "1.0.0")
	meta.Requirements = []tarball.Requirement{{Name: "fuel", Requirement: "~> 1.0"}, {Name: "engine", Requirement: "~> 2.0"}}
	tar, _ := build(t, meta)
	_, err := publish(c, tar, false, "")
	e := wantRefusal(t, err, http.StatusUnprocessableEntity,
		`Validation error(s): requirements.engine: package does not exist in repository "shipyard"; `+
			`requirements.fuel: package does not exist in repository "shipyard"`)
	if e.Message != "Validation error(s)" || e.Errors["requirements"] == nil {
		t.Errorf("the refusal keeps the server's fields: %+v", e)
	}

	meta = metadata("rocket", "1.0.0")
	meta.Description = ""
	meta.BuildTools = nil
	tar, _ = build(t, meta)
	_, err = publish(c, tar, false, "")
	wantRefusal(t, err, http.StatusUnprocessableEntity,
		"Validation error(s): meta.build_tools: can't be blank; meta.description: can't be blank")
}

// countingReader counts what is read of it.
type countingReader struct {
	mu sync.Mutex
	r  io.Reader
	n  int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.mu.Lock()
	c.n += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countingReader) read() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// A refused upload is refused before its body is sent: the registry
// answers the Expect: 100-continue with the refusal, and the client reads
// nothing of the tarball.
func TestRefusedUploadSendsNoBody(t *testing.T) {
	r := newRegistry(t)
	alice := r.AddUser(t, "alice")
	owner := r.client(r.AddKey(t, alice, "write"))
	mustPublish(t, owner, "rocket", "1.0.0")
	bob := r.AddUser(t, "bob")
	readOnly := r.AddKey(t, alice, "read", store.Permission{Domain: "api", Resource: "read"})
	stranger := r.AddKey(t, bob, "write")

	tar, _ := build(t, metadata("rocket", "1.1.0"))
	tests := []struct {
		name   string
		auth   string
		status int
		want   string
	}{
		{"no credentials", "", http.StatusUnauthorized, "missing authentication information"},
		{"unknown key", "0123456789abcdef0123456789abcdef", http.StatusUnauthorized, "invalid API key"},
		{"read-only key", readOnly, http.StatusUnauthorized, "key not authorized for this action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &countingReader{r: bytes.NewReader(tar)}
			var progressed bool
			_, err := r.client(tt.auth).Publish(context.Background(), "rocket", body, int64(len(tar)), false, "", func(int64) { progressed = true })
			wantRefusal(t, err, tt.status, tt.want)
			wantNoSecret(t, err, tt.auth)
			if n := body.read(); n != 0 || progressed {
				t.Errorf("%d bytes of the tarball were read for a refused upload (progress called: %v)", n, progressed)
			}
		})
	}

	// Not an owner: with the package named in the URL the registry
	// refuses before the upload too; the message is hex.pm's.
	body := &countingReader{r: bytes.NewReader(tar)}
	_, err := r.client(stranger).Publish(context.Background(), "rocket", body, int64(len(tar)), false, "", nil)
	wantRefusal(t, err, http.StatusForbidden, "account not authorized for this action")
	wantNoSecret(t, err, stranger)
	if n := body.read(); n != 0 {
		t.Errorf("%d bytes of the tarball were read for an upload by a non-owner", n)
	}
	// Without the name (POST /api/publish) the same refusal comes after.
	_, err = publish(r.client(stranger), tar, false, "")
	wantRefusal(t, err, http.StatusForbidden, "account not authorized for this action")
}

// Each call sends the reader it is given, so a caller retries by passing
// a fresh one; nothing of the first attempt is replayed.
func TestPublishRetryWithFreshReader(t *testing.T) {
	r := newRegistry(t)
	alice := r.AddUser(t, "alice")
	key := r.AddKey(t, alice, "write")
	tar, _ := build(t, metadata("rocket", "1.0.0"))
	tokens := []string{"expired-and-unknown", key}
	calls := 0
	c := r.client("")
	c.Credential = func(context.Context) (string, error) {
		calls++
		return tokens[min(calls, len(tokens))-1], nil
	}
	_, err := publish(c, tar, false, "")
	wantRefusal(t, err, http.StatusUnauthorized, "invalid API key")
	res, err := publish(c, tar, false, "")
	if err != nil {
		t.Fatalf("the second attempt, with the refreshed credential: %v", err)
	}
	if res.Version != "1.0.0" || calls != 2 {
		t.Errorf("result %+v after %d credential calls", res, calls)
	}
}
