package postgres_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/postgres"
)

// words make up seeded descriptions: "common" words are in many, "zebra"
// in ten of 100,000 packages.
var words = strings.Fields(`web http json parser client server database driver
	query cache queue pool logger metrics telemetry test mock fixture plug router
	socket stream crypto hash token auth oauth jwt csv xml yaml toml config
	template html markdown email smtp pubsub graph tree list map set vector
	matrix math time date calendar uuid random id encode decode binary`)

// repoFileBody is a stand-in for a signed, gzipped /packages/NAME file.
var repoFileBody = func() []byte {
	b := make([]byte, 2048)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}()

var benchT0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// publish does what a publish does to the store: find the package, create
// or update it, put the release, make the publisher an owner, store the
// package's repository file and its index entry.
func publish(tx store.Tx, name, version, description string, when time.Time, publisher int64) error {
	meta := store.PackageMeta{
		Description: description,
		Licenses:    []string{"Apache-2.0"},
		Links:       []store.Link{{Name: "GitHub", URL: "https://example.com/" + name}},
	}
	p, err := tx.Package(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p = &store.Package{Name: name, Meta: meta, UpdatedAt: when}
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

// seedSteps fill a new schema with n packages as publish would have left
// them, one release each, a statement per table: through the store it
// would take minutes for 100,000. Descriptions are six random words, plus
// "zebra" for one package in 10,000; times are spread over five years.
func seedSteps(n int) []seedStep {
	return []seedStep{
		{`SELECT setseed(0.5)`, nil},
		{`INSERT INTO users (username, email, created_at, updated_at) VALUES ('seeder', 'seeder@example.com', now(), now())`, nil},
		{`INSERT INTO packages (name, description, licenses, links, downloads, created_at, updated_at)
		SELECT format('pkg%s', lpad(i::text, 6, '0')),
			(SELECT string_agg(($2::text[])[1 + floor(random() * cardinality($2::text[]))::int], ' ')
			 FROM generate_series(1, 6 + 0 * i)) || CASE WHEN i % 10000 = 0 THEN ' zebra' ELSE '' END,
			'["Apache-2.0"]',
			jsonb_build_array(jsonb_build_object('name', 'GitHub', 'url', 'https://example.com/pkg' || i)),
			floor(random() * 1e7)::bigint, t, t
		FROM generate_series(0, $1 - 1) i,
			LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00' + floor(random() * 5 * 365 * 24 + 0 * i) * interval '1 hour' AS t) x`,
			[]any{n, words}},
		{`INSERT INTO releases (package_id, version, inner_checksum, outer_checksum, size, blob_key, app,
			build_tools, requirements, metadata, publisher_id, created_at, updated_at)
		SELECT p.id, '1.0.0', substr($1::bytea, 1, 32), substr($1::bytea, 33, 32), 10240,
			'tarballs/' || p.name || '-1.0.0.tar', p.name, '["rebar3"]',
			'[{"name":"jason","app":"jason","requirement":"~> 1.4","optional":false,"repository":"hexpm"}]',
			substr($1::bytea, 1, 600), u.id, p.created_at, p.created_at
		FROM packages p, users u`, []any{repoFileBody}},
		{`INSERT INTO owners (package_id, user_id, level) SELECT p.id, u.id, 'full' FROM packages p, users u`, nil},
		{`INSERT INTO repo_files (path, body, etag, updated_at) SELECT 'packages/' || name, $1::bytea, '"1.0.0"', updated_at FROM packages`,
			[]any{repoFileBody}},
		{`INSERT INTO index_entries (name, names, versions) SELECT name, convert_to(name, 'UTF8'), convert_to('1.0.0', 'UTF8') FROM packages`, nil},
		{`UPDATE index_generation SET generation = $1 WHERE shard = 0`, []any{n}},
		{`ANALYZE`, nil},
	}
}

type seedStep struct {
	sql  string
	args []any
}

// seeds are the schemas of the seeded registries, dropped by TestMain.
var (
	seedMu  sync.Mutex
	seeds   []string
	readDSN = map[int]string{}
)

// seededDSN makes a new schema holding n published packages and returns
// a DSN working in it.
func seededDSN(b *testing.B, n int) string {
	b.Helper()
	server := serverDSN(b)
	schema := randomName("bench_")
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		b.Fatal(err)
	}
	seedMu.Lock()
	seeds = append(seeds, schema)
	seedMu.Unlock()
	dsn := withParam(server, "search_path", schema)
	s, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, step := range seedSteps(n) {
		if _, err := conn.Exec(ctx, step.sql, step.args...); err != nil {
			b.Fatalf("seeding %d packages: %v\n%s", n, err, step.sql)
		}
	}
	return dsn
}

// seededStore opens a store on a new registry of n packages, for a
// benchmark that writes.
func seededStore(b *testing.B, n int) *postgres.Store {
	b.Helper()
	s, err := postgres.Open(ctx, seededDSN(b, n))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// dropSeeds drops the seeded schemas when the benchmarks are done.
func dropSeeds() {
	if len(seeds) == 0 {
		return
	}
	conn, err := pgx.Connect(ctx, os.Getenv(envDSN))
	if err != nil {
		fmt.Fprintf(os.Stderr, "dropping the benchmarks' schemas: %v\n", err)
		return
	}
	defer conn.Close(ctx)
	for _, schema := range seeds {
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			fmt.Fprintf(os.Stderr, "dropping schema %s: %v\n", schema, err)
		}
	}
}

// BenchmarkPublishTx measures one publish transaction on a registry of
// 1,000 and of 100,000 packages: a new version of an existing package, and
// a package's first version. Each commit waits for the server's WAL flush
// (synchronous_commit on, the default).
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
					return publish(tx, name, fmt.Sprintf("2.0.%d", i), "web json client", time.Now(), publisher.ID)
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
					return publish(tx, name, "0.1.0", "web json client", time.Now(), publisher.ID)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPublishTxParallel measures new versions of random packages
// published from several goroutines at once (as several server processes
// would publish them) on 100,000 packages. Transactions that overlap may
// conflict (on a generation counter, or on index pages that both read and
// write) and the losers run again.
func BenchmarkPublishTxParallel(b *testing.B) {
	const n = 100_000
	s := seededStore(b, n)
	publisher, err := s.UserByName(ctx, "seeder")
	if err != nil {
		b.Fatal(err)
	}
	var version atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(rand.Uint64(), 3))
		for pb.Next() {
			name := fmt.Sprintf("pkg%06d", rng.IntN(n))
			v := fmt.Sprintf("3.0.%d", version.Add(1))
			err := s.Update(ctx, func(tx store.Tx) error {
				return publish(tx, name, v, "web json client", time.Now(), publisher.ID)
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSearch measures SearchPackages over 100,000 packages: pages
// read off an index, a common word, a name prefix, a rare word and a
// missing one.
func BenchmarkSearch(b *testing.B) {
	seedMu.Lock()
	dsn, ok := readDSN[100_000]
	seedMu.Unlock()
	if !ok {
		dsn = seededDSN(b, 100_000)
		seedMu.Lock()
		readDSN[100_000] = dsn
		seedMu.Unlock()
	}
	s := openDSN(b, dsn)
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
