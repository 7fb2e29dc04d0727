package client_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/hexship/ship/registry/client"
	"github.com/hexship/ship/registry/store"
)

func TestOwners(t *testing.T) {
	r := newRegistry(t)
	ctx := context.Background()
	alice, bob := r.AddUser(t, "alice"), r.AddUser(t, "bob")
	r.AddUser(t, "carol")
	c := r.client(r.AddKey(t, alice, "write"))
	mustPublish(t, c, "rocket", "1.0.0")

	wantOwners := func(want ...client.Owner) {
		t.Helper()
		got, err := c.Owners(ctx, "rocket")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("owners\n got %+v\nwant %+v", got, want)
		}
	}
	wantOwners(client.Owner{Username: "alice", Email: "alice@example.com", Level: "full"})

	if err := c.AddOwner(ctx, "rocket", "bob", "maintainer", false, ""); err != nil {
		t.Fatal(err)
	}
	// By email address, with the server's default level.
	if err := c.AddOwner(ctx, "rocket", "carol@example.com", "", false, ""); err != nil {
		t.Fatal(err)
	}
	wantOwners(
		client.Owner{Username: "alice", Email: "alice@example.com", Level: "full"},
		client.Owner{Username: "bob", Email: "bob@example.com", Level: "maintainer"},
		client.Owner{Username: "carol", Email: "carol@example.com", Level: "full"},
	)

	// Refusals, in the server's words.
	err := c.AddOwner(ctx, "rocket", "bob", "emperor", false, "")
	wantRefusal(t, err, http.StatusUnprocessableEntity, "Validation error(s): level: is invalid")
	err = c.AddOwner(ctx, "rocket", "nobody", "full", false, "")
	wantRefusal(t, err, http.StatusNotFound, "Page not found")
	err = c.AddOwner(ctx, "no_such_package", "bob", "full", false, "")
	wantRefusal(t, err, http.StatusNotFound, "Page not found")
	err = r.client(r.AddKey(t, bob, "write")).AddOwner(ctx, "rocket", "bob", "full", false, "")
	wantRefusal(t, err, http.StatusForbidden, "account not authorized for this action")
	readOnly := r.client(r.AddKey(t, alice, "read", store.Permission{Domain: "api", Resource: "read"}))
	err = readOnly.RemoveOwner(ctx, "rocket", "bob", "")
	wantRefusal(t, err, http.StatusUnauthorized, "key not authorized for this action")

	if err := c.RemoveOwner(ctx, "rocket", "carol", ""); err != nil {
		t.Fatal(err)
	}
	err = c.RemoveOwner(ctx, "rocket", "carol", "")
	wantRefusal(t, err, http.StatusUnprocessableEntity, "Validation error(s): username: user is not an owner of package")

	// Transfer leaves the new owner alone, at full level.
	if err := c.AddOwner(ctx, "rocket", "bob", "", true, ""); err != nil {
		t.Fatal(err)
	}
	got, err := r.client("").Owners(ctx, "rocket")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Username != "bob" || got[0].Level != "full" {
		t.Errorf("owners after the transfer: %+v", got)
	}
}

// Names are sent as one escaped path segment each, so no name reaches
// another resource.
func TestOwnerPathsEscaped(t *testing.T) {
	r := newRegistry(t)
	ctx := context.Background()
	c := r.client(r.AddKey(t, r.AddUser(t, "alice"), "write"))
	mustPublish(t, c, "rocket", "1.0.0")

	// "rocket/owners/alice" escaped is one unknown package, not the
	// owner resource it spells.
	_, err := c.Owners(ctx, "rocket/owners/alice")
	wantRefusal(t, err, http.StatusNotFound, "Page not found")
	for _, name := range []string{"", ".", ".."} {
		if _, err := c.Owners(ctx, name); err == nil {
			t.Errorf("Owners(%q) was sent", name)
		}
		if err := c.RemoveOwner(ctx, "rocket", name, ""); err == nil {
			t.Errorf("RemoveOwner of %q was sent", name)
		}
	}
}
