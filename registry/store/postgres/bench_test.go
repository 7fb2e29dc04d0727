package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/internal/sqlstoretest"
	"github.com/hexship/ship/registry/store/postgres"
)

// seedSteps fill a new schema with n packages as publish would have left
// them (see sqlstoretest), one release each, a statement per table:
// through the store it would take minutes for 100,000. Descriptions are
// six random words, plus the rare word for one package in 10,000; times
// are spread over five years.
func seedSteps(n int) []seedStep {
	return []seedStep{
		{`SELECT setseed(0.5)`, nil},
		{`INSERT INTO users (username, email, created_at, updated_at) VALUES ('seeder', 'seeder@example.com', now(), now())`, nil},
		{`INSERT INTO packages (name, description, licenses, links, downloads, created_at, updated_at)
		SELECT format('pkg%s', lpad(i::text, 6, '0')),
			(SELECT string_agg(($2::text[])[1 + floor(random() * cardinality($2::text[]))::int], ' ')
			 FROM generate_series(1, 6 + 0 * i)) || CASE WHEN i % 10000 = 0 THEN ' ' || $3::text ELSE '' END,
			'["Apache-2.0"]',
			jsonb_build_array(jsonb_build_object('name', 'GitHub', 'url', 'https://example.com/pkg' || i)),
			floor(random() * 1e7)::bigint, t, t
		FROM generate_series(0, $1 - 1) i,
			LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00' + floor(random() * 5 * 365 * 24 + 0 * i) * interval '1 hour' AS t) x`,
			[]any{n, sqlstoretest.Words, sqlstoretest.RareWord}},
		{`INSERT INTO releases (package_id, version, inner_checksum, outer_checksum, size, blob_key, app,
			build_tools, requirements, metadata, publisher_id, created_at, updated_at)
		SELECT p.id, '1.0.0', substr($1::bytea, 1, 32), substr($1::bytea, 33, 32), 10240,
			'tarballs/' || p.name || '-1.0.0.tar', p.name, '["rebar3"]',
			'[{"name":"jason","app":"jason","requirement":"~> 1.4","optional":false,"repository":"hexpm"}]',
			substr($1::bytea, 1, 600), u.id, p.created_at, p.created_at
		FROM packages p, users u`, []any{sqlstoretest.RepoFileBody}},
		{`INSERT INTO owners (package_id, user_id, level) SELECT p.id, u.id, 'full' FROM packages p, users u`, nil},
		{`INSERT INTO repo_files (path, body, etag, updated_at) SELECT 'packages/' || name, $1::bytea, '"1.0.0"', updated_at FROM packages`,
			[]any{sqlstoretest.RepoFileBody}},
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
func seededStore(b *testing.B, n int) store.Store {
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

// BenchmarkPublishTx measures one publish transaction (see
// sqlstoretest.BenchPublishTx). Each commit waits for the server's WAL
// flush (synchronous_commit on, the default).
func BenchmarkPublishTx(b *testing.B) {
	sqlstoretest.BenchPublishTx(b, seededStore)
}

// BenchmarkPublishTxParallel measures new versions of random packages
// published from several goroutines at once (as several server processes
// would publish them) on 100,000 packages. Transactions that overlap may
// conflict (on a generation counter, or on index pages that both read and
// write) and the losers run again.
func BenchmarkPublishTxParallel(b *testing.B) {
	const n = 100_000
	s := seededStore(b, n)
	publisher := sqlstoretest.Seeder(b, s)
	var version atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(rand.Uint64(), 3))
		for pb.Next() {
			name := fmt.Sprintf("pkg%06d", rng.IntN(n))
			v := fmt.Sprintf("3.0.%d", version.Add(1))
			err := s.Update(ctx, func(tx store.Tx) error {
				return sqlstoretest.Publish(tx, name, v, "web json client", 0, time.Now(), publisher)
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSearch measures SearchPackages over 100,000 packages (see
// sqlstoretest.BenchSearch), in one seeded schema that every run of it
// in this process reads.
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
	sqlstoretest.BenchSearch(b, openDSN(b, dsn))
}
