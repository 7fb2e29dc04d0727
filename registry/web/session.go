package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/hexship/ship/registry/store"
)

// Session lifetimes.
const (
	// SessionTTL is how long a sign-in lasts, counted from the sign-in:
	// using the site does not extend it.
	SessionTTL = 14 * 24 * time.Hour
	// PendingTTL is how long a browser that gave the right password has to
	// give its second factor.
	PendingTTL = 10 * time.Minute
)

// sessionCookie holds the session's random value; the store keeps only
// its SHA-256, so a copy of the database signs nobody in.
const sessionCookie = "shipyard_session"

// touchInterval bounds how often a session's last use is written.
const touchInterval = time.Minute

// visit is what a request knows about its browser.
type visit struct {
	session *store.WebSession // nil when not signed in
	user    *store.User       // the session's user, also while Pending2FA
	anon    string            // the anonymous CSRF cookie, once read or made
}

// signedIn reports whether the browser is fully signed in: a session
// still owing its second factor can do nothing but give it.
func (v *visit) signedIn() bool { return v.session != nil && !v.session.Pending2FA }

// newToken returns 32 random bytes in base64url, the value of a session or
// CSRF cookie.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// wellFormedToken reports whether s has the shape newToken gives, so that
// nothing else is hashed and looked up.
func wellFormedToken(s string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 32
}

// sessionLookup is what the store keeps of a session cookie.
func sessionLookup(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(sum[:])
}

// loadVisit finds the browser's session from its cookie. A cookie that
// names no live session is removed.
func (s *Site) loadVisit(w http.ResponseWriter, r *http.Request) (*visit, error) {
	v := &visit{}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return v, nil
	}
	if !wellFormedToken(c.Value) {
		s.clearSessionCookie(w)
		return v, nil
	}
	ctx := r.Context()
	sess, err := s.Store.WebSessionByLookup(ctx, sessionLookup(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		s.clearSessionCookie(w)
		return v, nil
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(sess.ExpiresAt) {
		s.clearSessionCookie(w)
		return v, nil
	}
	user, err := s.Store.UserByID(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		s.clearSessionCookie(w)
		return v, nil
	}
	if err != nil {
		return nil, err
	}
	v.session, v.user = sess, user
	if err := s.touch(r, sess); err != nil {
		s.log().Warn("recording a session's use failed", "err", err)
	}
	return v, nil
}

// touch records the session's last use, at most once a minute unless the
// address or browser changed.
func (s *Site) touch(r *http.Request, sess *store.WebSession) error {
	use := s.use(r)
	if last := sess.LastUse; last != nil && last.IP == use.IP && last.UserAgent == use.UserAgent && use.At.Sub(last.At) < touchInterval {
		return nil
	}
	sess.LastUse = &use
	return s.updateSession(r.Context(), sess.Lookup, func(cur *store.WebSession) { cur.LastUse = &use })
}

// updateSession changes a session as it is in the store now, so that a
// request running alongside (one that grants sudo, say) is not undone by
// this one's older copy.
func (s *Site) updateSession(ctx context.Context, lookup string, change func(*store.WebSession)) error {
	return s.Store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.WebSessionByLookup(ctx, lookup)
		if errors.Is(err, store.ErrNotFound) {
			return nil // signed out meanwhile
		}
		if err != nil {
			return err
		}
		change(cur)
		return tx.UpdateWebSession(ctx, cur)
	})
}

// signIn starts a session for user, replacing the browser's old one (if
// any): a new value after every change of privilege, so a value someone
// saw before sign-in is worth nothing after. A pending session (second
// factor still due) lasts PendingTTL; a full one SessionTTL and starts in
// sudo mode. kind, when not "", is written to the security log in the same
// transaction.
func (s *Site) signIn(w http.ResponseWriter, r *http.Request, user *store.User, pending bool, kind, detail string) error {
	ctx := r.Context()
	old := visitOf(r).session
	value := newToken()
	now := s.now()
	use := s.use(r)
	sess := &store.WebSession{
		Lookup:     sessionLookup(value),
		UserID:     user.ID,
		Pending2FA: pending,
		CreatedAt:  now,
		ExpiresAt:  now.Add(SessionTTL),
		LastUse:    &use,
	}
	if pending {
		sess.ExpiresAt = now.Add(PendingTTL)
	} else {
		sess.SudoAt = &now
	}
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		if old != nil {
			if err := tx.DeleteWebSession(ctx, old.ID); err != nil {
				return err
			}
		}
		if err := tx.CreateWebSession(ctx, sess); err != nil {
			return err
		}
		if kind == "" {
			return nil
		}
		return s.event(ctx, tx, r, user.ID, kind, detail)
	})
	if err != nil {
		return err
	}
	cookie := &http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   s.secure(),
		SameSite: http.SameSiteLaxMode,
	}
	if !pending {
		cookie.MaxAge = int(SessionTTL / time.Second)
	}
	http.SetCookie(w, cookie)
	// The rest of this request (a page rendered after sign-in) sees the
	// new session.
	v := visitOf(r)
	v.session, v.user = sess, user
	return nil
}

// clearSessionCookie tells the browser to forget its session cookie.
func (s *Site) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.secure(),
		SameSite: http.SameSiteLaxMode,
	})
}

// sudoFresh reports whether the session re-verified within d.
func (s *Site) sudoFresh(sess *store.WebSession, d time.Duration) bool {
	if sess == nil || sess.SudoAt == nil {
		return false
	}
	// A time slightly ahead (another server's clock) counts as fresh.
	return s.now().Sub(*sess.SudoAt) < d
}
