package auth_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/hexship/ship/auth"
	"github.com/hexship/ship/auth/tokenstore"
)

func TestLogoutRevokesAndDeletes(t *testing.T) {
	l := newLoggedIn(t, 0)
	revoked, err := l.src().Logout(context.Background())
	if err != nil || !revoked {
		t.Fatalf("Logout: revoked %v, %v", revoked, err)
	}
	if _, err := l.src().Load(); !errors.Is(err, auth.ErrNotLoggedIn) {
		t.Fatalf("Load after Logout: %v, want ErrNotLoggedIn", err)
	}
	// The whole session is over at the registry.
	if status, code := l.refreshStatus(l.creds.RefreshToken); code != "invalid_grant" {
		t.Errorf("the refresh token still works after Logout: %d %s", status, code)
	}
	if l.whoami(l.creds.AccessToken) != "" {
		t.Error("the access token still works after Logout")
	}
	q := l.seen("/api/oauth/revoke", "")
	if len(q) != 1 || q[0].form.Get("client_id") != auth.ClientID {
		t.Errorf("revocation requests %v, want one with ship's client id", q)
	}
	if _, err := l.src().Logout(context.Background()); !errors.Is(err, auth.ErrNotLoggedIn) {
		t.Fatalf("second Logout: %v, want ErrNotLoggedIn", err)
	}
}

func TestLogoutDeletesWhenTheRegistryIsDown(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.Server.Close()
	revoked, err := l.src().Logout(context.Background())
	if err != nil || revoked {
		t.Fatalf("Logout with the registry down: revoked %v, %v; want false, nil", revoked, err)
	}
	if _, err := l.src().Load(); !errors.Is(err, auth.ErrNotLoggedIn) {
		t.Fatalf("Load after Logout: %v, want ErrNotLoggedIn", err)
	}
}

func TestLogoutDeletesWhenTheRegistryFails(t *testing.T) {
	l := newLoggedIn(t, 0)
	l.setIntercept(func(_ int, w http.ResponseWriter, _ *http.Request) bool {
		http.Error(w, "oops", http.StatusInternalServerError)
		return true
	})
	revoked, err := l.src().Logout(context.Background())
	if err != nil || revoked {
		t.Fatalf("Logout with a failing registry: revoked %v, %v; want false, nil", revoked, err)
	}
	if _, err := l.src().Load(); !errors.Is(err, auth.ErrNotLoggedIn) {
		t.Fatal("the credentials were kept")
	}
}

func TestLogoutWithACancelledContextStillDeletes(t *testing.T) {
	l := newLoggedIn(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.src().Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.src().Load(); !errors.Is(err, auth.ErrNotLoggedIn) {
		t.Fatal("the credentials were kept")
	}
}

func TestLogoutDamagedCredentials(t *testing.T) {
	l := newLoggedIn(t, 0)
	if err := tokenstore.NewFile(l.dir).Set(l.api, []byte("not json")); err != nil {
		t.Fatal(err)
	}
	revoked, err := l.src().Logout(context.Background())
	if err != nil || revoked {
		t.Fatalf("Logout of damaged credentials: revoked %v, %v; want false, nil", revoked, err)
	}
	if _, err := tokenstore.NewFile(l.dir).Get(l.api); !errors.Is(err, tokenstore.ErrNotFound) {
		t.Fatal("damaged credentials were kept")
	}
}
