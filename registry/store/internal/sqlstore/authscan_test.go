package sqlstore

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hexship/ship/registry/store"
)

// NULL IDs read as 0, NULL times as nil, empty secrets as nil, and every
// time in UTC.
func TestScanAuthRows(t *testing.T) {
	d, err := scan.DeviceCode(fakeRow{int64(1), "look", "ABCD2345", "cli", []byte(`["api"]`), "n", "ip", "ua", "pending",
		nil, nil, tLocal, tLocal})
	if err != nil {
		t.Fatal(err)
	}
	if d.UserID != 0 || d.SessionID != 0 || d.Status != store.DevicePending || !reflect.DeepEqual(d.Scopes, []string{"api"}) {
		t.Errorf("device code %+v", d)
	}
	wantUTC(t, "device ExpiresAt", d.ExpiresAt)
	if _, err := scan.DeviceCode(fakeRow{int64(1), "l", "u", "c", []byte(`[`), "", "", "", "pending", int64(2), int64(3), tLocal, tLocal}); err == nil ||
		!strings.Contains(err.Error(), "device_codes.scopes") {
		t.Errorf("damaged scopes: %v", err)
	}

	s, err := scan.OAuthSession(fakeRow{int64(1), int64(2), "cli", "n", []byte(`[]`), nil, tLocal, tLocal, nil, nil, nil, nil})
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyID != 0 || s.Scopes != nil || s.RevokedAt != nil || s.LastUse != nil {
		t.Errorf("unused session %+v", s)
	}
	s, err = scan.OAuthSession(fakeRow{int64(1), int64(2), "cli", "n", []byte(`[]`), int64(9), tLocal, tLocal, tLocal, tLocal, "ip", nil})
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyID != 9 || s.LastUse == nil || s.LastUse.IP != "ip" || s.LastUse.UserAgent != "" {
		t.Errorf("used session %+v", s)
	}
	wantUTC(t, "session RevokedAt", *s.RevokedAt)
	wantUTC(t, "session LastUse.At", s.LastUse.At)

	tok, err := scan.OAuthToken(fakeRow{int64(1), int64(2), "refresh", "h", nil, tLocal, tLocal, nil, tLocal})
	if err != nil {
		t.Fatal(err)
	}
	if tok.ParentID != 0 || tok.RotatedAt != nil || tok.Kind != store.RefreshToken {
		t.Errorf("token %+v", tok)
	}
	wantUTC(t, "token RevokedAt", *tok.RevokedAt)

	w, err := scan.WebSession(fakeRow{int64(1), "l", int64(2), true, nil, tLocal, tLocal, nil, nil, nil})
	if err != nil {
		t.Fatal(err)
	}
	if !w.Pending2FA || w.SudoAt != nil || w.LastUse != nil {
		t.Errorf("web session %+v", w)
	}
	wantUTC(t, "web session CreatedAt", w.CreatedAt)

	tp, err := scan.TOTP(fakeRow{int64(2), []byte{}, tLocal, int64(7), "web:1"})
	if err != nil {
		t.Fatal(err)
	}
	if tp.Secret != nil || tp.LastStep != 7 || tp.LastBy != "web:1" {
		t.Errorf("TOTP %+v", tp)
	}
	wantUTC(t, "TOTP EnabledAt", tp.EnabledAt)

	e, err := scan.SecurityEvent(fakeRow{int64(1), int64(2), "login", "d", "ip", "ua", tLocal})
	if err != nil {
		t.Fatal(err)
	}
	wantUTC(t, "event At", e.At)
}

func TestCheckAuthEnums(t *testing.T) {
	for _, s := range []store.DeviceStatus{store.DevicePending, store.DeviceAuthorized, store.DeviceDenied, store.DeviceUsed} {
		if err := CheckDeviceStatus(s); err != nil {
			t.Errorf("CheckDeviceStatus(%s): %v", s, err)
		}
	}
	if err := CheckDeviceStatus(""); err == nil || !strings.Contains(err.Error(), `""`) {
		t.Errorf("CheckDeviceStatus(\"\"): %v", err)
	}
	if err := CheckTokenKind(store.AccessToken); err != nil {
		t.Error(err)
	}
	if err := CheckTokenKind("id"); err == nil || !strings.Contains(err.Error(), `"id"`) {
		t.Errorf("CheckTokenKind(id): %v", err)
	}
}
