package sqlstoretest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/hexship/ship/registry/store"
)

// TwoStores checks that two stores on one database behave as two server
// processes would: they open a new database at once (its migrations run
// once), each sees the other's commits, and their read-modify-write
// transactions interleave without a lost update, and without a busy
// database or a serialisation failure reaching the caller. open opens a
// store on the database; TwoStores closes both.
func TwoStores(t *testing.T, open func() (store.Store, error)) {
	ctx := context.Background()
	var stores [2]store.Store
	var openErrs [2]error
	var openWG sync.WaitGroup
	for i := range stores {
		openWG.Go(func() { stores[i], openErrs[i] = open() })
	}
	openWG.Wait()
	for i, err := range openErrs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		defer stores[i].Close()
	}

	const perStore = 25
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			for j := range perStore {
				err := s.Update(ctx, func(tx store.Tx) error {
					gen, err := tx.IndexGeneration(ctx)
					if err != nil {
						return err
					}
					name := string(rune('a'+i)) + strings.Repeat("x", j)
					if err := tx.CreatePackage(ctx, &store.Package{Name: name}); err != nil {
						return err
					}
					// A read-modify-write of the generation: a lost update
					// would show in the final count.
					if err := tx.SetIndexEntry(ctx, &store.IndexEntry{Name: name}); err != nil {
						return err
					}
					// What the transaction read stays true until it commits.
					after, err := tx.IndexGeneration(ctx)
					if err == nil && after != gen+1 {
						t.Errorf("generation went from %d to %d inside one transaction", gen, after)
					}
					return err
				})
				if err != nil {
					t.Errorf("store %d, write %d: %v", i, j, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i, s := range stores {
		ps, err := s.SearchPackages(ctx, store.PackageQuery{PerPage: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2*perStore {
			t.Errorf("store %d sees %d packages, want %d", i, len(ps), 2*perStore)
		}
		entries, gen, err := s.IndexEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2*perStore || gen != 2*perStore {
			t.Errorf("store %d sees %d entries at generation %d, want %d at %d", i, len(entries), gen, 2*perStore, 2*perStore)
		}
	}
}
