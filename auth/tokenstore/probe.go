package tokenstore

import (
	"crypto/rand"
	"errors"
	"fmt"
	"time"
)

// ProbeKeyring finds out whether the keyring can be used, by writing,
// reading back and deleting an entry of its own (service "ship", account
// "ship-probe-" and random letters). It returns nil when all three work and
// an error wrapping ErrUnavailable that says why otherwise, within about
// timeout (DefaultTimeout when zero) in all. `ship auth` calls it before
// the device flow, so that a broken keyring fails at once, with advice,
// rather than after the user has approved a login that cannot be saved.
//
// The probe entry is deleted even when it cannot be read back; if the
// keyring only answers after the deadline, the deletion still follows the
// late write as long as the process runs.
func ProbeKeyring(timeout time.Duration) error {
	return probe(systemKeyring{}, timeout, time.After, "ship-probe-"+rand.Text())
}

func probe(b backend, timeout time.Duration, after func(time.Duration) <-chan time.Time, user string) error {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if err := b.available(); err != nil {
		return err
	}
	value := rand.Text()
	// One goroutine does all three steps, so that a late Set is still
	// followed by its Delete after this function has given up waiting.
	_, err := bounded(timeout, after, func() (struct{}, error) {
		if err := b.Set(service, user, value); err != nil {
			return struct{}{}, fmt.Errorf("writing a test entry: %w", err)
		}
		got, getErr := b.Get(service, user)
		delErr := b.Delete(service, user)
		switch {
		case getErr != nil:
			return struct{}{}, fmt.Errorf("reading a test entry back: %w", getErr)
		case got != value:
			return struct{}{}, errors.New("a test entry read back differs from what was written")
		case delErr != nil:
			return struct{}{}, fmt.Errorf("deleting a test entry: %w", delErr)
		}
		return struct{}{}, nil
	})
	if err != nil {
		return unavailable("testing it", timeout, err)
	}
	return nil
}
