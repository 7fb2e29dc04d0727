package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// PruneAuth deletes exactly what can no longer matter: device codes and
// OAuth sessions (with their tokens) that ended over a day before, failures
// over a day old, web sessions that have expired. It counts what it
// deleted, tokens included, and deletes nothing else.
func testPruneAuth(t *testing.T, s store.Store) {
	now := at(10 * day)
	alice := newUser(t, s, "alice")

	expiring := func(lookup, userCode string, expires time.Time) *store.DeviceCode {
		d := deviceCode(lookup, userCode, expires.Add(-15*time.Minute))
		must(t, createDeviceCode(s, d))
		return d
	}
	dGone := expiring("d1", "AAAA1111", now.Add(-25*time.Hour))
	dStay := expiring("d2", "BBBB2222", now.Add(-23*time.Hour))
	dLive := expiring("d3", "CCCC3333", now.Add(10*time.Minute))

	update(t, s, func(tx store.Tx) error {
		for _, when := range []time.Time{now.Add(-25 * time.Hour), now.Add(-23 * time.Hour), now} {
			if err := tx.RecordFailure(ctx, "k", when); err != nil {
				return err
			}
		}
		return nil
	})

	wGone := newWebSession(t, s, alice.ID, "w1", now.Add(-time.Minute))
	wEdge := newWebSession(t, s, alice.ID, "w2", now) // expired at now
	wStay := newWebSession(t, s, alice.ID, "w3", now.Add(time.Microsecond))

	sExpiredOld := newSession(t, s, alice.ID, t0, now.Add(-25*time.Hour))
	sExpiredRecent := newSession(t, s, alice.ID, t0, now.Add(-23*time.Hour))
	sRevokedOld := newSession(t, s, alice.ID, t0, now.Add(day))
	sRevokedRecent := newSession(t, s, alice.ID, t0, now.Add(day))
	sLive := newSession(t, s, alice.ID, t0, now.Add(day))
	update(t, s, func(tx store.Tx) error {
		if err := tx.RevokeOAuthSession(ctx, sRevokedOld.ID, now.Add(-25*time.Hour)); err != nil {
			return err
		}
		return tx.RevokeOAuthSession(ctx, sRevokedRecent.ID, now.Add(-23*time.Hour))
	})
	tokens := map[string]*store.OAuthSession{
		"t1": sExpiredOld, "t2": sExpiredOld, "t3": sExpiredRecent, "t4": sRevokedOld, "t5": sRevokedRecent, "t6": sLive,
	}
	for hash, sess := range tokens {
		newToken(t, s, sess.ID, store.RefreshToken, hash, 0)
	}
	// A device authorization that outlives its session's row.
	dStay.Status, dStay.UserID, dStay.SessionID = store.DeviceUsed, alice.ID, sExpiredOld.ID
	update(t, s, func(tx store.Tx) error { return tx.UpdateDeviceCode(ctx, dStay) })

	enableTOTP(t, s, alice.ID, "secret", "c1")
	event := &store.SecurityEvent{UserID: alice.ID, Kind: "signup", At: at(-365 * day)}
	update(t, s, func(tx store.Tx) error { return tx.AddSecurityEvent(ctx, event) })

	var n int64
	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.PruneAuth(ctx, now)
		return err
	})
	// d1, one failure, w1 and w2, two sessions and their three tokens.
	if n != 9 {
		t.Errorf("PruneAuth = %d, want 9", n)
	}

	for d, gone := range map[*store.DeviceCode]bool{dGone: true, dStay: false, dLive: false} {
		_, err := s.DeviceCodeByLookup(ctx, d.Lookup)
		if gone {
			wantErr(t, "DeviceCodeByLookup("+d.Lookup+")", err, store.ErrNotFound)
		} else if err != nil {
			t.Errorf("device code %s was pruned: %v", d.Lookup, err)
		}
	}
	if got := failures(t, s, "k", at(-365*day)); got != 2 {
		t.Errorf("failures left: %d, want 2", got)
	}
	wantWebSession(t, s, wGone.Lookup, nil)
	wantWebSession(t, s, wEdge.Lookup, nil)
	wantWebSession(t, s, wStay.Lookup, wStay)
	for sess, gone := range map[*store.OAuthSession]bool{
		sExpiredOld: true, sExpiredRecent: false, sRevokedOld: true, sRevokedRecent: false, sLive: false,
	} {
		_, err := s.OAuthSession(ctx, sess.ID)
		if gone {
			wantErr(t, "OAuthSession of a pruned session", err, store.ErrNotFound)
		} else if err != nil {
			t.Errorf("session %d was pruned: %v", sess.ID, err)
		}
	}
	for hash, sess := range tokens {
		_, err := s.OAuthTokenByHash(ctx, hash)
		if sess == sExpiredOld || sess == sRevokedOld {
			wantErr(t, "OAuthTokenByHash("+hash+") of a pruned session", err, store.ErrNotFound)
		} else if err != nil {
			t.Errorf("token %s was pruned: %v", hash, err)
		}
	}
	if _, err := s.TOTP(ctx, alice.ID); err != nil {
		t.Errorf("TOTP after PruneAuth: %v", err)
	}
	events, err := s.SecurityEvents(ctx, alice.ID, 10)
	must(t, err)
	equal(t, "security events after PruneAuth", events, []store.SecurityEvent{*event})

	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.PruneAuth(ctx, now)
		return err
	})
	if n != 0 {
		t.Errorf("second PruneAuth = %d, want 0", n)
	}
}
