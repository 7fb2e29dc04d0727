package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var authConcurrencyCases = []testCase{
	{"DeviceCodeConcurrentUserCode", testDeviceCodeConcurrentUserCode},
	{"TOTPStepConcurrentOnce", testTOTPStepConcurrent},
}

// race runs f(i) for i < n in n goroutines started together, each making
// its own Updates, and returns their errors.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// Device authorizations created at once with one user code: one gets it,
// the others are told it is taken.
func testDeviceCodeConcurrentUserCode(t *testing.T, s store.Store) {
	const n = 12
	errs := race(n, func(i int) error {
		return createDeviceCode(s, deviceCode(fmt.Sprintf("l%d", i), "SAME2222", at(time.Duration(i)*time.Second)))
	})
	created := 0
	for i, err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if created != 1 {
		t.Errorf("%d device authorizations got the user code, want 1", created)
	}
}

// One code presented at once by several clients: exactly one is accepted.
func testTOTPStepConcurrent(t *testing.T, s store.Store) {
	const n = 12
	alice := newUser(t, s, "alice")
	enableTOTP(t, s, alice.ID, "secret")
	var accepted atomic.Int32
	errs := race(n, func(i int) error {
		var ok bool
		err := s.Update(ctx, func(tx store.Tx) (err error) {
			ok, err = tx.UseTOTPStep(ctx, alice.ID, 1000, fmt.Sprintf("oauth:%d", i))
			return err
		})
		if err == nil && ok {
			accepted.Add(1)
		}
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if got := accepted.Load(); got != 1 {
		t.Errorf("%d presenters had the code accepted, want 1", got)
	}
}
