package sqlite_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
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

// words make up seeded descriptions: "common" words are in many, "zebraN"
// in ten of 100,000 packages.
var words = strings.Fields(`web http json parser client server database driver
	query cache queue pool logger metrics telemetry test mock fixture plug router
	socket stream crypto hash token auth oauth jwt csv xml yaml toml config
	template html markdown email smtp pubsub graph tree list map set vector
	matrix math time date calendar uuid random id encode decode binary`)

// repoFileBody is a stand-in for a signed, gzipped /packages/NAME file.
var repoFileBody = func() []byte {
	b := make([]byte, 2048)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(b)
	return b
}()

// publish does what a publish does to the store: find the package, create
// or update it, put the release, make the publisher an owner, store the
// package's repository file and its index entry.
func publish(tx store.Tx, name, version, description string, downloads int64, when time.Time, publisher int64) error {
	meta := store.PackageMeta{
		Description: description,
		Licenses:    []string{"Apache-2.0"},
		Links:       []store.Link{{Name: "GitHub", URL: "https://example.com/" + name}},
	}
	p, err := tx.Package(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p = &store.Package{Name: name, Meta: meta, Downloads: downloads, UpdatedAt: when}
		err = tx.CreatePackage(ctx, p)
	case err == nil:
		p.Meta, p.UpdatedAt = meta, when
		err = tx.UpdatePackage(ctx, p)
	}
	if err != nil {
		return err
	}
	r := &store.Release{
		PackageID: p.ID, Version: version,
		InnerChecksum: repoFileBody[:32], OuterChecksum: repoFileBody[32:64],
		Size: 10240, BlobKey: "tarballs/" + name + "-" + version + ".tar", App: name,
		BuildTools:   []string{"rebar3"},
		Requirements: []store.Requirement{{Name: "jason", App: "jason", Requirement: "~> 1.4", Repository: "hexpm"}},
		Metadata:     repoFileBody[:600], PublisherID: publisher, CreatedAt: when, UpdatedAt: when,
	}
	if err := tx.PutRelease(ctx, r); err != nil {
		return err
	}
	if err := tx.SetOwner(ctx, p.ID, publisher, store.LevelFull); err != nil {
		return err
	}
	if err := tx.PutRepoFile(ctx, &store.RepoFile{Path: "packages/" + name, Body: repoFileBody, ETag: `"` + version + `"`, UpdatedAt: when}); err != nil {
		return err
	}
	return tx.SetIndexEntry(ctx, &store.IndexEntry{Name: name, Names: []byte(name), Versions: []byte(version)})
}

// seedPath returns a database holding n published packages, building it
// in one transaction the first time.
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
			desc := make([]string, 6)
			for j := range desc {
				desc[j] = words[rng.IntN(len(words))]
			}
			if i%10000 == 0 {
				desc = append(desc, "zebra")
			}
			when := t0.Add(time.Duration(rng.IntN(5*365*24)) * time.Hour)
			if err := publish(tx, fmt.Sprintf("pkg%06d", i), "1.0.0", strings.Join(desc, " "), rng.Int64N(1e7), when, u.ID); err != nil {
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
func seededStore(b *testing.B, n int) *sqlite.Store {
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

// BenchmarkPublishTx measures one publish transaction on a registry of
// 1,000 and of 100,000 packages: a new version of an existing package, and
// a package's first version. Each commit includes the fsync that
// synchronous=FULL asks for.
func BenchmarkPublishTx(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("packages=%d/new-version", n), func(b *testing.B) {
			s := seededStore(b, n)
			publisher, err := s.UserByName(ctx, "seeder")
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(2, 2))
			for i := 0; b.Loop(); i++ {
				name := fmt.Sprintf("pkg%06d", rng.IntN(n))
				err := s.Update(ctx, func(tx store.Tx) error {
					return publish(tx, name, fmt.Sprintf("2.0.%d", i), "web json client", 0, time.Now(), publisher.ID)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("packages=%d/new-package", n), func(b *testing.B) {
			s := seededStore(b, n)
			publisher, err := s.UserByName(ctx, "seeder")
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; b.Loop(); i++ {
				name := fmt.Sprintf("new%07d", i)
				err := s.Update(ctx, func(tx store.Tx) error {
					return publish(tx, name, "0.1.0", "web json client", 0, time.Now(), publisher.ID)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearch measures SearchPackages over 100,000 packages: pages
// read off an index, a common word found early in that order, a rare
// word and a missing one (both a scan of the table).
func BenchmarkSearch(b *testing.B) {
	s, err := sqlite.Open(ctx, seedPath(b, 100_000)) // only reads
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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
		{"rare/name", store.PackageQuery{Search: "zebra"}, 10},
		{"rare/downloads", store.PackageQuery{Search: "zebra", Sort: store.SortDownloads}, 10},
		{"rare/updated_at", store.PackageQuery{Search: "zebra", Sort: store.SortUpdatedAt}, 10},
		{"rare/inserted_at", store.PackageQuery{Search: "zebra", Sort: store.SortInsertedAt}, 10},
		{"missing/downloads", store.PackageQuery{Search: "no-such-thing", Sort: store.SortDownloads}, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ps, err := s.SearchPackages(ctx, c.q)
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
