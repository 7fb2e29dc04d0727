package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

func TestMe(t *testing.T) {
	r := newRegistry(t)
	alice := r.AddUser(t, "alice")
	c := r.client(r.AddKey(t, alice, "laptop"))
	mustPublish(t, c, "rocket", "1.0.0")

	u, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "alice" || u.Email != "alice@example.com" || u.URL != r.URL+"/api/users/alice" {
		t.Errorf("me: %+v", u)
	}
	if len(u.Packages) != 1 || u.Packages[0].Name != "rocket" || u.Packages[0].HTMLURL != r.URL+"/packages/rocket" {
		t.Errorf("packages of alice: %+v", u.Packages)
	}
}

func TestMeRefused(t *testing.T) {
	r := newRegistry(t)
	_, err := r.client("").Me(context.Background())
	wantRefusal(t, err, http.StatusUnauthorized, "missing authentication information")

	bad := "ffffffffffffffffffffffffffffffff"
	_, err = r.client(bad).Me(context.Background())
	wantRefusal(t, err, http.StatusUnauthorized, "invalid API key")
	wantNoSecret(t, err, bad)
}

// The credential is asked for on every request, so a token refreshed in
// the meantime is used, and its failure is the call's.
func TestCredentialPerRequest(t *testing.T) {
	r := newRegistry(t)
	keys := []string{r.AddKey(t, r.AddUser(t, "alice"), "a"), r.AddKey(t, r.AddUser(t, "bob"), "b")}
	calls := 0
	c := r.client("")
	c.Credential = func(context.Context) (string, error) {
		calls++
		return keys[(calls-1)%2], nil
	}
	for _, want := range []string{"alice", "bob"} {
		u, err := c.Me(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != want {
			t.Errorf("me is %q, want %q", u.Username, want)
		}
	}

	locked := errors.New("the keyring is locked")
	c.Credential = func(context.Context) (string, error) { return "", locked }
	if _, err := c.Me(context.Background()); err != locked {
		t.Errorf("Me with a failing credential: %v, want the credential's error as is", err)
	}
}
