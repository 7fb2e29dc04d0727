package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var deviceCodeCases = []testCase{
	{"DeviceCodeCreateFindUpdate", testDeviceCodeCreateFind},
	{"DeviceCodeConflicts", testDeviceCodeConflicts},
	{"TxUsableAfterDeviceCodeConflict", testTxUsableAfterDeviceCodeConflict},
}

// deviceCode builds (without storing) a pending device authorization
// created at `created` and valid for 15 minutes.
func deviceCode(lookup, userCode string, created time.Time) *store.DeviceCode {
	return &store.DeviceCode{
		Lookup:    lookup,
		UserCode:  userCode,
		ClientID:  "hex_cli",
		Scopes:    []string{"api:read", "repositories"},
		Name:      "laptop " + lookup,
		IP:        "192.0.2.7",
		UserAgent: "mix_hex/2.1",
		Status:    store.DevicePending,
		ExpiresAt: created.Add(15 * time.Minute),
		CreatedAt: created,
	}
}

// createDeviceCode runs CreateDeviceCode in an Update of its own.
func createDeviceCode(s store.Store, d *store.DeviceCode) error {
	return s.Update(ctx, func(tx store.Tx) error { return tx.CreateDeviceCode(ctx, d) })
}

// wantDeviceCode checks that both lookups find want.
func wantDeviceCode(t *testing.T, r store.Reader, want *store.DeviceCode) {
	t.Helper()
	got, err := r.DeviceCodeByLookup(ctx, want.Lookup)
	must(t, err)
	equal(t, "DeviceCodeByLookup("+want.Lookup+")", got, want)
	got, err = r.DeviceCodeByUserCode(ctx, want.UserCode)
	must(t, err)
	equal(t, "DeviceCodeByUserCode("+want.UserCode+")", got, want)
}

// A device authorization is found by its lookup and its user code, and an
// update stores its status and who answered it.
func testDeviceCodeCreateFind(t *testing.T, s store.Store) {
	d := deviceCode("lookup-1", "ABCD2345", t0)
	must(t, createDeviceCode(s, d))
	if d.ID == 0 {
		t.Fatal("CreateDeviceCode did not set the ID")
	}
	wantDeviceCode(t, s, d)
	_, err := s.DeviceCodeByLookup(ctx, "lookup-2")
	wantErr(t, "DeviceCodeByLookup(unknown)", err, store.ErrNotFound)
	_, err = s.DeviceCodeByUserCode(ctx, "ZZZZ9999")
	wantErr(t, "DeviceCodeByUserCode(unknown)", err, store.ErrNotFound)

	// No CreatedAt: it is the current time.
	before := time.Now()
	now := &store.DeviceCode{Lookup: "lookup-now", UserCode: "NOWNOW22", ClientID: "c", Status: store.DevicePending, ExpiresAt: t0}
	must(t, createDeviceCode(s, now))
	if now.CreatedAt.Location() != time.UTC || now.CreatedAt.Before(before.Add(-time.Microsecond)) || now.CreatedAt.After(time.Now()) {
		t.Errorf("CreateDeviceCode with no CreatedAt set it to %v, want the current time in UTC", now.CreatedAt)
	}
	wantDeviceCode(t, s, now)

	alice := newUser(t, s, "alice")
	sess := newSession(t, s, alice.ID, t0, at(day))
	for _, step := range []struct {
		status  store.DeviceStatus
		user    int64
		session int64
	}{
		{store.DeviceAuthorized, alice.ID, sess.ID},
		{store.DeviceUsed, alice.ID, sess.ID},
		{store.DeviceDenied, alice.ID, 0},
		{store.DevicePending, 0, 0},
	} {
		d.Status, d.UserID, d.SessionID = step.status, step.user, step.session
		update(t, s, func(tx store.Tx) error { return tx.UpdateDeviceCode(ctx, d) })
		wantDeviceCode(t, s, d)
	}
	wantDeviceCode(t, s, now) // untouched

	missing := *d
	missing.ID = d.ID + now.ID + 100
	err = s.Update(ctx, func(tx store.Tx) error { return tx.UpdateDeviceCode(ctx, &missing) })
	wantErr(t, "UpdateDeviceCode(missing)", err, store.ErrNotFound)
	wrongUser := *d
	wrongUser.Status, wrongUser.UserID = store.DeviceAuthorized, alice.ID+1000
	err = s.Update(ctx, func(tx store.Tx) error { return tx.UpdateDeviceCode(ctx, &wrongUser) })
	wantErr(t, "UpdateDeviceCode(missing user)", err, store.ErrNotFound)
	wantDeviceCode(t, s, d)
}

// A user code may not be given to two authorizations alive at once, whatever
// their status; once one has expired its code may be issued again, and the
// user code then finds the newest. A lookup is never reused.
func testDeviceCodeConflicts(t *testing.T, s store.Store) {
	first := deviceCode("l1", "AAAA1111", t0)
	must(t, createDeviceCode(s, first))

	clash := deviceCode("l2", "AAAA1111", at(5*time.Minute))
	wantErr(t, "a live user code again", createDeviceCode(s, clash), store.ErrConflict)
	_, err := s.DeviceCodeByLookup(ctx, "l2")
	wantErr(t, "DeviceCodeByLookup of the refused code", err, store.ErrNotFound)
	sameLookup := deviceCode("l1", "BBBB2222", at(day))
	wantErr(t, "a lookup again", createDeviceCode(s, sameLookup), store.ErrConflict)
	_, err = s.DeviceCodeByUserCode(ctx, "BBBB2222")
	wantErr(t, "DeviceCodeByUserCode of the refused code", err, store.ErrNotFound)

	// At its ExpiresAt the first has expired: its user code is free.
	reuse := deviceCode("l3", "AAAA1111", first.ExpiresAt)
	must(t, createDeviceCode(s, reuse))
	wantDeviceCode(t, s, reuse) // the newest of the two
	got, err := s.DeviceCodeByLookup(ctx, "l1")
	must(t, err)
	equal(t, "the first, by lookup", got, first)

	// Status does not matter: a denied authorization keeps its code while
	// it lives.
	denied := deviceCode("l4", "CCCC3333", t0)
	denied.Status = store.DeviceDenied
	must(t, createDeviceCode(s, denied))
	wantErr(t, "the code of a live denied authorization", createDeviceCode(s, deviceCode("l5", "CCCC3333", at(time.Minute))), store.ErrConflict)

	// Without a CreatedAt the clash is judged at the current time.
	live := deviceCode("l6", "DDDD4444", t0)
	live.ExpiresAt = time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	must(t, createDeviceCode(s, live))
	again := deviceCode("l7", "DDDD4444", time.Time{})
	again.ExpiresAt = live.ExpiresAt
	wantErr(t, "a code live now, no CreatedAt", createDeviceCode(s, again), store.ErrConflict)
	old := deviceCode("l8", "AAAA1111", time.Time{}) // "reuse" expired in 2024
	old.ExpiresAt = live.ExpiresAt
	must(t, createDeviceCode(s, old))
	wantDeviceCode(t, s, old)
}

// A CreateDeviceCode refused with ErrConflict (or another write refused
// with ErrNotFound) changes nothing and leaves the transaction usable: fn
// may go on and commit.
func testTxUsableAfterDeviceCodeConflict(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	first := deviceCode("l1", "AAAA1111", t0)
	last := deviceCode("l4", "DDDD4444", t0)
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateDeviceCode(ctx, first); err != nil {
			return err
		}
		wantDeviceCode(t, tx, first)
		wantErr(t, "same user code", tx.CreateDeviceCode(ctx, deviceCode("l2", "AAAA1111", t0)), store.ErrConflict)
		wantErr(t, "same lookup", tx.CreateDeviceCode(ctx, deviceCode("l1", "BBBB2222", t0)), store.ErrConflict)
		err := tx.EnableTOTP(ctx, &store.TOTP{UserID: alice.ID + 1000, Secret: []byte("s")}, []string{"c"})
		wantErr(t, "EnableTOTP(missing user)", err, store.ErrNotFound)
		err = tx.CreateOAuthSession(ctx, &store.OAuthSession{UserID: alice.ID + 1000, ClientID: "c", ExpiresAt: at(day)})
		wantErr(t, "CreateOAuthSession(missing user)", err, store.ErrNotFound)
		wantErr(t, "same user code, after the other failures", tx.CreateDeviceCode(ctx, deviceCode("l3", "AAAA1111", t0)), store.ErrConflict)
		if _, err := tx.UserByID(ctx, alice.ID); err != nil {
			return err
		}
		return tx.CreateDeviceCode(ctx, last)
	})
	wantDeviceCode(t, s, first)
	wantDeviceCode(t, s, last)
	for _, l := range []string{"l2", "l3"} {
		_, err := s.DeviceCodeByLookup(ctx, l)
		wantErr(t, "DeviceCodeByLookup("+l+")", err, store.ErrNotFound)
	}
	_, err := s.DeviceCodeByUserCode(ctx, "BBBB2222")
	wantErr(t, "DeviceCodeByUserCode(BBBB2222)", err, store.ErrNotFound)
}
