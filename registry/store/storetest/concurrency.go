package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hexship/ship/registry/store"
)

var concurrencyCases = []testCase{
	{"ConcurrentCreateIfMissing", testConcurrentCreateIfMissing},
	{"ConcurrentKeysWhileReading", testConcurrentKeys},
}

// Sixteen publishes of a new package at once: one creates it, the others
// find it (or are told it conflicts), and there is one row.
func testConcurrentCreateIfMissing(t *testing.T, s store.Store) {
	const n = 16
	var creators atomic.Int32
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			created := false
			errs[i] = s.Update(ctx, func(tx store.Tx) error {
				created = false // fn may run more than once
				_, err := tx.Package(ctx, "p")
				if err == nil {
					return nil
				}
				if !errors.Is(err, store.ErrNotFound) {
					return err
				}
				p := &store.Package{Name: "p", Meta: store.PackageMeta{Description: fmt.Sprint(i)}}
				if err := tx.CreatePackage(ctx, p); err != nil {
					return err
				}
				created = true
				return nil
			})
			if errs[i] == nil && created {
				creators.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil && !errors.Is(err, store.ErrConflict) {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if got := creators.Load(); got != 1 {
		t.Errorf("%d Updates created the package, want 1", got)
	}
	ps, err := s.SearchPackages(ctx, store.PackageQuery{Search: "p"})
	must(t, err)
	equal(t, "packages", names(ps), []string{"p"})
}

// Keys created and touched from several goroutines while others read: the
// readers see whole keys and never fewer than before; at the end every key
// is there with its last use.
func testConcurrentKeys(t *testing.T, s store.Store) {
	const writers, perWriter, readers = 6, 5, 4
	alice := newUser(t, s, "alice")
	var wg, readersWG sync.WaitGroup
	stop := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				name := fmt.Sprintf("w%d-k%d", w, i)
				k := &store.Key{UserID: alice.ID, Name: name, Lookup: "lookup-" + name, Verify: "verify-" + name}
				err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateKey(ctx, k) })
				if err != nil {
					t.Errorf("CreateKey %s: %v", name, err)
					return
				}
				use := store.KeyUse{At: at(0), IP: fmt.Sprintf("192.0.2.%d", w), UserAgent: name}
				if err := s.Update(ctx, func(tx store.Tx) error { return tx.TouchKey(ctx, k.ID, use) }); err != nil {
					t.Errorf("TouchKey %s: %v", name, err)
					return
				}
			}
		})
	}
	for r := range readers {
		readersWG.Go(func() {
			seen := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				keys, err := s.Keys(ctx, alice.ID)
				if err != nil {
					t.Errorf("reader %d: Keys: %v", r, err)
					return
				}
				if len(keys) < seen {
					t.Errorf("reader %d saw %d keys after %d", r, len(keys), seen)
				}
				seen = len(keys)
				for _, k := range keys {
					if k.Lookup != "lookup-"+k.Name || k.Verify != "verify-"+k.Name {
						t.Errorf("reader %d read a mixed-up key %s", r, show(k))
					}
				}
				if len(keys) > 0 {
					k := keys[len(keys)-1]
					got, err := s.KeyByLookup(ctx, k.Lookup)
					if err != nil || got.ID != k.ID {
						t.Errorf("reader %d: KeyByLookup(%s) = %v, %v", r, k.Lookup, got, err)
					}
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readersWG.Wait()

	keys, err := s.Keys(ctx, alice.ID)
	must(t, err)
	if len(keys) != writers*perWriter {
		t.Fatalf("%d keys at the end, want %d", len(keys), writers*perWriter)
	}
	for _, k := range keys {
		if k.LastUse == nil || k.LastUse.UserAgent != k.Name {
			t.Errorf("key %s has last use %s", k.Name, show(k.LastUse))
		}
	}
}
