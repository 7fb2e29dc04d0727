package sqlite_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstoretest"
	"github.com/hexship/ship/registry/store/sqlite"
)

// seedDir holds the seeded databases, built once per size and per run of
// the test binary, and copied for each benchmark that writes.
var (
	seedMu  sync.Mutex
	seedDir string
	seeded  = map[int]string{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if seedDir != "" {
		os.RemoveAll(seedDir)
	}
	os.Exit(code)
}

// seedPath returns a database holding n published packages (see
// sqlstoretest), building it through the store in one transaction the
// first time.
func seedPath(b *testing.B, n int) string {
	seedMu.Lock()
	defer seedMu.Unlock()
	if path, ok := seeded[n]; ok {
		return path
	}
	if seedDir == "" {
		dir, err := os.MkdirTemp("", "ship-store-bench-")
		if err != nil {
			b.Fatal(err)
		}
		seedDir = dir
	}
	path := filepath.Join(seedDir, fmt.Sprintf("seed-%d.db", n))
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	err = s.Update(ctx, func(tx store.Tx) error {
		u := &store.User{Username: "seeder", Email: "seeder@example.com"}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		for i := range n {
			desc := sqlstoretest.Description(rng, i)
			when := t0.Add(time.Duration(rng.IntN(5*365*24)) * time.Hour)
			if err := sqlstoretest.Publish(tx, fmt.Sprintf("pkg%06d", i), "1.0.0", desc, rng.Int64N(1e7), when, u.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		b.Fatal(err)
	}
	seeded[n] = path
	return path
}

var t0 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// seededStore opens a private copy of the seeded database of n packages.
func seededStore(b *testing.B, n int) store.Store {
	src := seedPath(b, n)
	dst := filepath.Join(b.TempDir(), "registry.db")
	if err := copyFile(dst, src); err != nil {
		b.Fatal(err)
	}
	s, err := sqlite.Open(ctx, dst)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkPublishTx measures one publish transaction (see
// sqlstoretest.BenchPublishTx). Each commit includes the fsync that
// synchronous=FULL asks for.
func BenchmarkPublishTx(b *testing.B) {
	sqlstoretest.BenchPublishTx(b, seededStore)
}

// BenchmarkSearch measures SearchPackages over 100,000 packages (see
// sqlstoretest.BenchSearch); a rare word and a missing one are a scan of
// one index.
func BenchmarkSearch(b *testing.B) {
	s, err := sqlite.Open(ctx, seedPath(b, 100_000)) // only reads
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	sqlstoretest.BenchSearch(b, s)
}
