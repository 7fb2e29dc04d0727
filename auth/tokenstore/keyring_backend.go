package tokenstore

import (
	"errors"
	"time"

	"github.com/zalando/go-keyring"
)

// backend is the slice of go-keyring the keyring store uses; tests put a
// fake behind it to make calls hang or refuse large entries on demand.
type backend interface {
	Set(service, user, value string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
	// available finds out, without calling the keyring, that it cannot be
	// reached (nil when it may be).
	available() error
}

// systemKeyring is go-keyring itself: the platform's keyring.
type systemKeyring struct{}

func (systemKeyring) Set(service, user, value string) error {
	return keyring.Set(service, user, value)
}

func (systemKeyring) Get(service, user string) (string, error) {
	return keyring.Get(service, user)
}

func (systemKeyring) Delete(service, user string) error {
	return keyring.Delete(service, user)
}

func (systemKeyring) available() error { return precheck() }

// errTimeout is the cause of an ErrUnavailable raised because a keyring call
// did not answer in time.
var errTimeout = errors.New("keyring call timed out")

// bounded runs f in its own goroutine and waits for it at most timeout
// (after is time.After outside tests). go-keyring has no way to cancel a
// call, so on timeout the goroutine is left to finish on its own; its
// result channel is buffered so that it can always exit.
func bounded[T any](timeout time.Duration, after func(time.Duration) <-chan time.Time, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-after(timeout):
		var zero T
		return zero, errTimeout
	}
}
