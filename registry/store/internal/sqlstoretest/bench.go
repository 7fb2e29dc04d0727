package sqlstoretest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// BenchPublishTx measures one publish transaction on a registry of 1,000
// and of 100,000 packages: a new version of an existing package, and a
// package's first version. seeded returns a store on a new seeded
// registry of n packages (see the package doc) that the benchmark may
// write to, closed when b ends.
func BenchPublishTx(b *testing.B, seeded func(b *testing.B, n int) store.Store) {
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("packages=%d/new-version", n), func(b *testing.B) {
			s := seeded(b, n)
			publisher := Seeder(b, s)
			rng := rand.New(rand.NewPCG(2, 2))
			for i := 0; b.Loop(); i++ {
				name := fmt.Sprintf("pkg%06d", rng.IntN(n))
				err := s.Update(context.Background(), func(tx store.Tx) error {
					return Publish(tx, name, fmt.Sprintf("2.0.%d", i), "web json client", 0, time.Now(), publisher)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("packages=%d/new-package", n), func(b *testing.B) {
			s := seeded(b, n)
			publisher := Seeder(b, s)
			for i := 0; b.Loop(); i++ {
				name := fmt.Sprintf("new%07d", i)
				err := s.Update(context.Background(), func(tx store.Tx) error {
					return Publish(tx, name, "0.1.0", "web json client", 0, time.Now(), publisher)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Seeder is the ID of a seeded registry's account, which publishes.
func Seeder(b *testing.B, s store.Reader) int64 {
	b.Helper()
	u, err := s.UserByName(context.Background(), "seeder")
	if err != nil {
		b.Fatal(err)
	}
	return u.ID
}

// BenchSearch measures SearchPackages on a seeded registry of 100,000
// packages: pages read off an index, a common word, a name prefix, a rare
// word and a missing one. Each result's length is checked, so that a
// benchmark that finds nothing quickly does not pass for a fast one.
func BenchSearch(b *testing.B, s store.Reader) {
	for _, c := range []struct {
		name string
		q    store.PackageQuery
		want int
	}{
		{"all/name/page1", store.PackageQuery{}, 100},
		{"all/downloads/page1", store.PackageQuery{Sort: store.SortDownloads}, 100},
		{"all/updated_at/page50", store.PackageQuery{Sort: store.SortUpdatedAt, Page: 50}, 100},
		{"all/inserted_at/page1", store.PackageQuery{Sort: store.SortInsertedAt}, 100},
		{"common/downloads/page1", store.PackageQuery{Search: "JSON", Sort: store.SortDownloads}, 100},
		{"name-prefix/name/page1", store.PackageQuery{Search: "pkg0123"}, 100},
		{"rare/name", store.PackageQuery{Search: RareWord}, 10},
		{"rare/downloads", store.PackageQuery{Search: RareWord, Sort: store.SortDownloads}, 10},
		{"rare/updated_at", store.PackageQuery{Search: RareWord, Sort: store.SortUpdatedAt}, 10},
		{"rare/inserted_at", store.PackageQuery{Search: RareWord, Sort: store.SortInsertedAt}, 10},
		{"missing/downloads", store.PackageQuery{Search: "no-such-thing", Sort: store.SortDownloads}, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ps, err := s.SearchPackages(context.Background(), c.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(ps) != c.want {
					b.Fatalf("%d results, want %d", len(ps), c.want)
				}
			}
		})
	}
}
