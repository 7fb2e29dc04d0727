// Package throttle limits repeated failures (wrong passwords, wrong
// one-time codes) by counting them in the metadata store, so that every
// server process sharing the database sees the same counts and a client
// cannot spread its guesses over several processes.
package throttle

import (
	"context"
	"time"

	"github.com/hexship/ship/registry/store"
)

// Limit is how many failures a key may collect within a sliding window
// before it is blocked.
type Limit struct {
	Max    int
	Window time.Duration
}

// Throttle counts failures under string keys (see Key and IPKey).
type Throttle struct {
	Store store.Store
	// Now is the clock; nil means time.Now. Tests set it to move time.
	Now func() time.Time
}

func (t *Throttle) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Blocked reports whether any key already has limit.Max failures or more
// within the window ending now. Callers ask before checking a credential,
// so that a blocked client learns nothing, not even from a right guess.
func (t *Throttle) Blocked(ctx context.Context, limit Limit, keys ...string) (bool, error) {
	since := t.now().Add(-limit.Window)
	for _, k := range keys {
		n, err := t.Store.Failures(ctx, k, since)
		if err != nil {
			return false, err
		}
		if n >= limit.Max {
			return true, nil
		}
	}
	return false, nil
}

// Take counts one attempt as a failure before the credential is checked,
// so that concurrent guesses cannot all pass a Blocked check made before
// any of them failed: in one transaction it reads every key's failures
// within the window and, when all are below limit.Max, records one
// failure under each and reports true. It reports false, recording
// nothing, when a key is blocked. A caller whose credential then proves
// right clears the keys it may clear (see Clear).
func (t *Throttle) Take(ctx context.Context, limit Limit, keys ...string) (bool, error) {
	at := t.now()
	since := at.Add(-limit.Window)
	var ok bool
	err := t.Store.Update(ctx, func(tx store.Tx) error {
		ok = false // Update may run this again
		for _, k := range keys {
			n, err := tx.Failures(ctx, k, since)
			if err != nil {
				return err
			}
			if n >= limit.Max {
				return nil
			}
		}
		for _, k := range keys {
			if err := tx.RecordFailure(ctx, k, at); err != nil {
				return err
			}
		}
		ok = true
		return nil
	})
	return ok, err
}

// Fail records one failure under each key, all in one transaction.
func (t *Throttle) Fail(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	at := t.now()
	return t.Store.Update(ctx, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.RecordFailure(ctx, k, at); err != nil {
				return err
			}
		}
		return nil
	})
}

// Clear forgets the failures under each key, e.g. a user's once they have
// proved who they are.
func (t *Throttle) Clear(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	return t.Store.Update(ctx, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.ClearFailures(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
}
