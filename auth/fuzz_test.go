package auth_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/hexship/ship/auth"
)

// stubTransport answers every request with one canned response, without a
// network.
type stubTransport struct {
	status      int
	contentType string
	body        []byte
}

func (s stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	status := s.status
	if status < 100 || status > 999 {
		status = http.StatusOK
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status),
		Header: http.Header{"Content-Type": {s.contentType}},
		Body:   io.NopCloser(bytes.NewReader(s.body)), Request: r,
	}, nil
}

// FuzzRefreshAnswer: whatever a registry answers to a refresh, Token
// either returns usable credentials, stored as returned, or an error that
// leaves the stored credentials alone and holds neither a token nor a
// control character.
func FuzzRefreshAnswer(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		now := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
		old := &auth.Credentials{
			AccessToken: "shya_oldaccess0000000000", RefreshToken: "shyr_oldrefresh000000000",
			IssuedAt: now.Add(-28 * time.Minute), ExpiresAt: now.Add(2 * time.Minute), Scopes: []string{"api:read"},
		}
		st := newMemStore()
		src := &auth.Source{
			API: "http://registry.test/api", Store: st, LockDir: t.TempDir(),
			HTTP: &http.Client{Transport: stubTransport{status, contentType, body}},
			Now:  func() time.Time { return now },
		}
		if err := src.Save(old); err != nil {
			t.Fatal(err)
		}
		c, err := src.Token(context.Background())
		stored, lerr := src.Load()
		if lerr != nil {
			t.Fatalf("Load after Token: %v", lerr)
		}
		if err != nil {
			if stored.AccessToken != old.AccessToken || stored.RefreshToken != old.RefreshToken {
				t.Fatalf("a failed refresh (%v) changed the stored credentials", err)
			}
			msg := err.Error()
			if strings.Contains(msg, old.AccessToken) || strings.Contains(msg, old.RefreshToken) {
				t.Fatalf("error %q holds a token", msg)
			}
			if strings.IndexFunc(msg, unicode.IsControl) >= 0 {
				t.Fatalf("error %q holds a control character", msg)
			}
			return
		}
		if c.AccessToken == "" || c.RefreshToken == "" {
			t.Fatalf("credentials without tokens: %+v", c)
		}
		if auth.AuthorizationHeader(c.AccessToken) == "" || strings.ContainsAny(c.AccessToken, " \r\n") {
			t.Fatalf("access token %q cannot go in a header", c.AccessToken)
		}
		if stored.AccessToken != c.AccessToken || stored.RefreshToken != c.RefreshToken {
			t.Fatal("the credentials returned are not the ones stored")
		}
		if !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(c.IssuedAt) {
			t.Fatalf("credentials expire at %v, before they were issued at %v", c.ExpiresAt, c.IssuedAt)
		}
	})
}

// FuzzDeviceAuthorization: whatever a registry answers to a device
// authorization, what Login shows a person is a printable code and web
// addresses, or nothing at all.
func FuzzDeviceAuthorization(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		shown := 0
		_, err := auth.Login(ctx, auth.LoginOptions{
			API:  "http://registry.test/api",
			HTTP: &http.Client{Transport: stubTransport{status, "application/json", body}},
			OnCode: func(code auth.DeviceCode) {
				shown++
				cancel() // no polling: the code is what is under test
				if code.UserCode == "" || strings.IndexFunc(code.UserCode, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
					t.Errorf("user code %q shown", code.UserCode)
				}
				shownURIs := []string{code.VerificationURI}
				if code.VerificationURIComplete != "" {
					shownURIs = append(shownURIs, code.VerificationURIComplete)
				}
				for _, s := range shownURIs {
					u, err := url.Parse(s)
					if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
						t.Errorf("verification address %q shown", s)
					}
				}
			},
		})
		if err == nil {
			t.Fatal("Login succeeded without a token response")
		}
		if shown > 1 {
			t.Fatalf("OnCode called %d times", shown)
		}
	})
}
