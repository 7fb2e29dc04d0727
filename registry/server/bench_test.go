//go:build unix

package server_test

// Benchmarks of shipyard as a whole: publishes and repository reads over
// loopback HTTP through server.Handler on the real SQLite and filesystem
// backends. Their figures go in the issue notes; nothing here runs without
// -bench, and no Test function seeds anything.
//
//	go test -run='^$' -bench=Publish -benchtime=300x ./registry/server/
//	go test -run='^$' -bench='^BenchmarkPublish$/packages=1000$' ./registry/server/
//	go test -run='^$' -bench=Serve -benchtime=10x ./registry/server/
//
// The design goal they check: a publish costs the same however many
// packages the registry holds (Refresh re-signs only the changed package;
// /names and /versions are assembled from per-package entries when next
// asked for). BenchmarkPublish measures the first half and
// BenchmarkIndexAfterPublish the second, which is where the work that grows
// with the registry went.
//
// Seeded registries are cached: see seedCache. The first run at 100,000
// packages seeds for about six minutes on two cores and leaves about 1 GB
// under $TMPDIR/shipyard-bench. The file builds on Unix only, where
// getrusage gives the CPU time a publish costs (cpu-ns/op).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	iofs "io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hexship/ship/registry/apikey"
	"github.com/hexship/ship/registry/repo"
	"github.com/hexship/ship/registry/server"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

// repoName is the repository name the benchmarks serve.
const repoName = "shipyard"

// seedFormat names what seedRegistry writes. Change it whenever seeding
// changes, so that caches written by an older benchmark are not reused.
const seedFormat = "1"

// seedBatch is how many packages one seeding transaction writes: large
// enough that commits (each an fsync) are a small part of seeding.
const seedBatch = 5000

// seedEpoch is when the first seeded package was published; package i
// follows i seconds later, so every seeded tarball is past the replace
// window and cached as a published one is.
var seedEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// seededName is the name of seeded package i, a valid Hex name.
func seededName(i int) string { return fmt.Sprintf("pkg%06d", i) }

// BenchmarkPublish measures complete publishes, HTTP upload to committed
// and signed, into a registry already holding N packages of one release
// each: three of four publish a new version of a random existing package,
// one of four a new package. It reports the median (p50-ns) and 95th
// percentile (p95-ns) latency as the uploading client sees it, over and
// above the mean (ns/op), and the median of each kind. The goal is
// p50 at 100000 packages within 1.5 times p50 at 1000.
//
// Latency is mostly fsyncs (the tarball, its directory, the SQLite WAL),
// which on a shared machine vary with everyone else's writes; cpu-ns/op,
// the process's CPU time (user and system, client and server) per publish,
// does not, and shows work that grows with the registry more steadily.
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("packages=%d", n), func(b *testing.B) {
			reg := startRegistry(b, n)
			rng := rand.New(rand.NewPCG(uint64(n), 1))
			var all, newVersion, newPackage []time.Duration
			var cpu time.Duration
			i := 0
			for b.Loop() {
				b.StopTimer()
				var name, version string
				fresh := i%4 == 3
				if fresh {
					name, version = fmt.Sprintf("new%06d", i), "1.0.0"
				} else {
					name, version = seededName(rng.IntN(n)), fmt.Sprintf("1.1.%d", i)
				}
				body := buildTarball(b, name, version)
				b.StartTimer()

				cpuStart := cpuTime(b)
				start := time.Now()
				reg.publish(b, name, body)
				d := time.Since(start)
				cpu += cpuTime(b) - cpuStart

				all = append(all, d)
				if fresh {
					newPackage = append(newPackage, d)
				} else {
					newVersion = append(newVersion, d)
				}
				i++
			}
			reportPercentile(b, all, 50, "p50-ns")
			reportPercentile(b, all, 95, "p95-ns")
			reportPercentile(b, newVersion, 50, "newversion-p50-ns")
			reportPercentile(b, newPackage, 50, "newpackage-p50-ns")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(i), "cpu-ns/op")
		})
	}
}

// BenchmarkIndexAfterPublish measures the first GET /repo/names and GET
// /repo/versions after a publish, which assemble and sign both files from
// every package's entry: the work that grows with the registry, moved out
// of the publish. Each op is one publish (not timed) then the two GETs
// (timed). names-ns is the GET of /names, which rebuilds both files;
// versions-ns the GET of /versions after it, served from what /names built.
func BenchmarkIndexAfterPublish(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("packages=%d", n), func(b *testing.B) {
			reg := startRegistry(b, n)
			rng := rand.New(rand.NewPCG(uint64(n), 2))
			var names, versions []time.Duration
			var namesSize, versionsSize int
			lastTag := ""
			i := 0
			for b.Loop() {
				b.StopTimer()
				name := seededName(rng.IntN(n))
				reg.publish(b, name, buildTarball(b, name, fmt.Sprintf("1.1.%d", i)))
				b.StartTimer()

				start := time.Now()
				body, tag := reg.get(b, reg.url+"/repo/names")
				mid := time.Since(start)
				vbody, _ := reg.get(b, reg.url+"/repo/versions")
				names, versions = append(names, mid), append(versions, time.Since(start)-mid)

				// A publish changes /names (the package's updated_at), so
				// an unchanged tag would mean no rebuild was measured.
				if tag == lastTag {
					b.Fatalf("/repo/names kept ETag %s across a publish", tag)
				}
				lastTag, namesSize, versionsSize = tag, len(body), len(vbody)
				i++
			}
			reportPercentile(b, names, 50, "names-ns")
			reportPercentile(b, versions, 50, "versions-ns")
			b.ReportMetric(float64(namesSize), "names-bytes")
			b.ReportMetric(float64(versionsSize), "versions-bytes")
		})
	}
}

// BenchmarkServe compares the throughput of shipyard's repository reads
// with a static file server (http.FileServer) serving the same bytes at the
// same paths, in the same run: 8, 16 or 32 keep-alive clients over loopback fetch
// /repo/packages/NAME or /repo/tarballs/NAME-VERSION.tar of 64 packages of
// a 1000-package registry. Each op sends serveBurst requests to one server
// then serveBurst to the other (alternating which goes first, so drift on
// a shared machine falls on both), so ns/op is the time of both bursts.
// shipyard-req/s and static-req/s are the throughputs, and shipyard/static
// their ratio (1 would be as fast as a file server).
//
// Client and servers share the machine's cores, as they would not in
// production; bench/registry.sh measures with wrk against nginx instead.
func BenchmarkServe(b *testing.B) {
	const (
		registrySize = 1000
		fetched      = 64
	)
	reg := startRegistry(b, registrySize)
	static := b.TempDir()
	rng := rand.New(rand.NewPCG(3, 3))
	var packageURLs, tarballURLs []string
	for _, i := range rng.Perm(registrySize)[:fetched] {
		name := seededName(i)
		pkgPath := "/repo/packages/" + name
		tarPath := "/repo/tarballs/" + name + "-1.0.0.tar"
		for _, p := range []string{pkgPath, tarPath} {
			body, _ := reg.get(b, reg.url+p)
			file := filepath.Join(static, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(file, body, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		packageURLs, tarballURLs = append(packageURLs, pkgPath), append(tarballURLs, tarPath)
	}
	files := httptest.NewServer(http.FileServer(http.Dir(static)))
	b.Cleanup(files.Close)

	for _, tc := range []struct {
		name  string
		paths []string
	}{{"packages", packageURLs}, {"tarballs", tarballURLs}} {
		for _, clients := range []int{8, 16, 32} {
			b.Run(fmt.Sprintf("%s/clients=%d", tc.name, clients), func(b *testing.B) {
				compareServers(b, newLoad(reg.url, tc.paths, clients), newLoad(files.URL, tc.paths, clients))
			})
		}
	}
}

// compareServers is one BenchmarkServe case: bursts to shipyard and to the
// file server in turn.
func compareServers(b *testing.B, shipyard, fileServer *load) {
	defer shipyard.close()
	defer fileServer.close()
	// One burst each first, so connections are open and files are in the
	// page cache before anything is timed.
	shipyard.burst(b)
	fileServer.burst(b)
	var shipyardTime, staticTime time.Duration
	ops := 0
	for b.Loop() {
		if ops%2 == 0 {
			shipyardTime += shipyard.burst(b)
			staticTime += fileServer.burst(b)
		} else {
			staticTime += fileServer.burst(b)
			shipyardTime += shipyard.burst(b)
		}
		ops++
	}
	shipyardRate := float64(ops*serveBurst) / shipyardTime.Seconds()
	staticRate := float64(ops*serveBurst) / staticTime.Seconds()
	b.ReportMetric(shipyardRate, "shipyard-req/s")
	b.ReportMetric(staticRate, "static-req/s")
	b.ReportMetric(shipyardRate/staticRate, "shipyard/static")
}

// serveBurst is how many requests one burst of BenchmarkServe sends.
const serveBurst = 2000

// load sends GETs of paths under base from clients goroutines, each on
// its own kept-alive connection.
type load struct {
	base    string
	paths   []string
	clients int
	http    *http.Client
}

func newLoad(base string, paths []string, clients int) *load {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, DisableCompression: true}
	return &load{base: base, paths: paths, clients: clients, http: &http.Client{Transport: tr}}
}

func (l *load) close() { l.http.CloseIdleConnections() }

// burst sends serveBurst requests and returns how long they took. Every
// answer must be a 200 with a body, read to its end.
func (l *load) burst(b *testing.B) time.Duration {
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	for range l.clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= serveBurst || failed.Load() != nil {
					return
				}
				if err := l.fetch(l.base + l.paths[int(i)%len(l.paths)]); err != nil {
					failed.Store(&err)
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	return d
}

func (l *load) fetch(url string) error {
	resp, err := l.http.Get(url)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		return fmt.Errorf("GET %s: %w", url, err)
	case resp.StatusCode != http.StatusOK || n == 0:
		return fmt.Errorf("GET %s: status %d, %d bytes", url, resp.StatusCode, n)
	}
	return nil
}

// cpuTime is the CPU time, user and system, the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPercentile reports the p-th percentile of ds (nearest rank) as
// unit; nothing when ds is empty.
func reportPercentile(b *testing.B, ds []time.Duration, p int, unit string) {
	if len(ds) == 0 {
		return
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 * len), 1-based
	b.ReportMetric(float64(s[max(rank, 1)-1].Nanoseconds()), unit)
}

// benchRegistry is a running shipyard on a private copy of a seeded data
// directory.
type benchRegistry struct {
	url    string
	key    string // an API key of the publisher of every seeded package
	client *http.Client
}

// startRegistry copies the seeded registry of n packages into a temporary
// directory, opens it and serves it over loopback HTTP until b ends.
func startRegistry(b *testing.B, n int) *benchRegistry {
	ctx := context.Background()
	seed := seedCache(b, n)
	dir := filepath.Join(b.TempDir(), "data")
	if err := copyDataDir(seed, dir); err != nil {
		b.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(dir, "bench-key"))
	if err != nil {
		b.Fatal(err)
	}
	backends, err := server.Open(ctx, server.Storage{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { backends.Close() })
	srv := httptest.NewUnstartedServer(nil)
	url := "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = server.Handler(server.Config{RepoName: repoName, PublicURL: url}, backends)
	srv.Start()
	b.Cleanup(srv.Close)
	return &benchRegistry{url: url, key: strings.TrimSpace(string(key)), client: srv.Client()}
}

// publish uploads a tarball as `mix hex.publish` does and fails b unless
// the registry created the release.
func (r *benchRegistry) publish(b *testing.B, name string, body []byte) {
	req, err := http.NewRequest("POST", r.url+"/api/packages/"+name+"/releases?replace=false", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", r.key)
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "shipyard-bench")
	resp, err := r.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated {
		b.Fatalf("publish %s: status %d: %s", name, resp.StatusCode, answer)
	}
}

// get fetches url and fails b unless the answer is a 200.
func (r *benchRegistry) get(b *testing.B, url string) (body []byte, etag string) {
	resp, err := r.client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: status %d: %s", url, resp.StatusCode, body)
	}
	return body, resp.Header.Get("ETag")
}

// builtTarball is a package tarball and what Build said of it.
type builtTarball struct {
	body     []byte
	result   tarball.Result
	metadata []byte // metadata.config as in the tarball
}

// newTarball builds a small rebar3 package: one source module.
func newTarball(name, version string) (*builtTarball, error) {
	src := fmt.Appendf(nil, "-module(%s).\n-export([version/0]).\nversion() -> <<\"%s\">>.\n", name, version)
	meta := tarball.Metadata{
		Name: name, Version: version, App: name,
		Description: "A package seeded for benchmarks.",
		Licenses:    []string{"Apache-2.0"},
		Links:       []tarball.Link{{Name: "Source", URL: "https://example.com/" + name}},
		BuildTools:  []string{"rebar3"},
		Files:       []string{"src/" + name + ".erl"},
	}
	files := []tarball.File{{
		Name: "src/" + name + ".erl", Mode: 0o644, Size: int64(len(src)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil },
	}}
	var buf bytes.Buffer
	res, err := tarball.Build(&buf, meta, files)
	if err != nil {
		return nil, err
	}
	return &builtTarball{body: buf.Bytes(), result: res, metadata: meta.Encode()}, nil
}

func buildTarball(b *testing.B, name, version string) []byte {
	t, err := newTarball(name, version)
	if err != nil {
		b.Fatal(err)
	}
	return t.body
}

// seedCache returns a data directory holding a registry of n packages,
// seeding it the first time. Seeding 100,000 packages takes minutes (every
// package file is signed), so the directory is kept under os.TempDir()
// across runs, named after n, seedFormat and a hash of the store's schema
// migrations: a change to either makes a new one (and removes the old one
// of the same n). Benchmarks never write to it: each copies it first
// (copyDataDir). Delete $TMPDIR/shipyard-bench to start over.
func seedCache(b *testing.B, n int) string {
	schema, err := schemaHash()
	if err != nil {
		b.Fatal(err)
	}
	root := filepath.Join(os.TempDir(), "shipyard-bench")
	prefix := fmt.Sprintf("seed-n%d-", n)
	dir := filepath.Join(root, prefix+"f"+seedFormat+"-"+schema)
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		b.Fatal(err)
	}
	// Other seeds of this size are stale: drop them, and any half-built
	// directory a killed run left behind.
	old, _ := filepath.Glob(filepath.Join(root, prefix+"*"))
	for _, o := range old {
		os.RemoveAll(o)
	}
	tmp, err := os.MkdirTemp(root, "building-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	if err := seedRegistry(tmp, n); err != nil {
		b.Fatalf("seeding %d packages: %v", n, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), nil, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d packages in %s into %s", n, time.Since(start).Round(time.Second), dir)
	return dir
}

// schemaHash identifies the SQLite schema a seed was written with, from
// the migration files next to this package.
func schemaHash() (string, error) {
	files, err := filepath.Glob("../store/sqlite/migrations/*.sql")
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no schema migrations found in ../store/sqlite/migrations: %v", err)
	}
	h := sha256.New()
	for _, f := range files { // Glob sorts them
		body, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// seedRegistry writes a registry of n packages, pkg000000 onwards, each
// with release 1.0.0 published by user "bench", into dir, and the secret
// of an API key of that user into dir/bench-key. Rows go in through the
// store in transactions of seedBatch packages, with the same repo.Refresh
// a publish runs, so the package files and index entries are what
// publishes would have left; tarballs are written straight into the blob
// directory (a Put syncs every file: too slow for a seed).
func seedRegistry(dir string, n int) error {
	ctx := context.Background()
	backends, err := server.Open(ctx, server.Storage{DataDir: dir})
	if err != nil {
		return err
	}
	defer backends.Close()
	rp := repo.New(repoName, backends.Signer, backends.Store, backends.Blobs, nil)

	secret := apikey.NewSecret()
	lookup, verify := backends.Keys.Hash(secret)
	user := &store.User{Username: "bench", Email: "bench@example.com", FullName: "Benchmark Publisher"}
	err = backends.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, user); err != nil {
			return err
		}
		return tx.CreateKey(ctx, &store.Key{UserID: user.ID, Name: "bench", Lookup: lookup, Verify: verify,
			Permissions: []store.Permission{{Domain: "api"}}})
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "bench-key"), []byte(secret+"\n"), 0o600); err != nil {
		return err
	}

	// Tarballs are built and written on another goroutine while this one
	// signs and inserts.
	type seeded struct {
		name, key string
		tar       *builtTarball
		err       error
	}
	tarballs := make(chan seeded, 256)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(tarballs)
		blobDir := filepath.Join(dir, "blobs")
		for i := range n {
			s := seeded{name: seededName(i)}
			s.key = repo.NewTarballKey(s.name, "1.0.0")
			s.tar, s.err = newTarball(s.name, "1.0.0")
			if s.err == nil {
				file := filepath.Join(blobDir, filepath.FromSlash(s.key))
				if s.err = os.MkdirAll(filepath.Dir(file), 0o700); s.err == nil {
					s.err = os.WriteFile(file, s.tar.body, 0o600)
				}
			}
			select {
			case tarballs <- s:
			case <-stop:
				return
			}
		}
	}()

	batch := make([]seeded, 0, seedBatch)
	flush := func(first int) error {
		return backends.Store.Update(ctx, func(tx store.Tx) error {
			for j, s := range batch {
				when := seedEpoch.Add(time.Duration(first+j) * time.Second)
				pkg := &store.Package{Name: s.name, UpdatedAt: when, Meta: store.PackageMeta{
					Description: "A package seeded for benchmarks.",
					Licenses:    []string{"Apache-2.0"},
					Links:       []store.Link{{Name: "Source", URL: "https://example.com/" + s.name}},
				}}
				if err := tx.CreatePackage(ctx, pkg); err != nil {
					return err
				}
				if err := tx.SetOwner(ctx, pkg.ID, user.ID, store.LevelFull); err != nil {
					return err
				}
				err := tx.PutRelease(ctx, &store.Release{
					PackageID:     pkg.ID,
					Version:       "1.0.0",
					InnerChecksum: s.tar.result.InnerChecksum[:],
					OuterChecksum: s.tar.result.OuterChecksum[:],
					Size:          int64(len(s.tar.body)),
					BlobKey:       s.key,
					App:           s.name,
					BuildTools:    []string{"rebar3"},
					Metadata:      s.tar.metadata,
					PublisherID:   user.ID,
					CreatedAt:     when,
					UpdatedAt:     when,
				})
				if err != nil {
					return err
				}
				if err := rp.Refresh(ctx, tx, pkg); err != nil {
					return err
				}
			}
			return nil
		})
	}
	first := 0
	for s := range tarballs {
		if s.err != nil {
			return s.err
		}
		batch = append(batch, s)
		if len(batch) == seedBatch {
			if err := flush(first); err != nil {
				return err
			}
			first += len(batch)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := flush(first); err != nil {
			return err
		}
		first += len(batch)
	}
	if first != n {
		return fmt.Errorf("seeded %d packages of %d", first, n)
	}
	return nil
}

// copyDataDir copies a seeded data directory. Blobs are hard-linked
// rather than copied (100,000 of them take seconds either way, but links
// take no space): the blob store never writes into an existing file, it
// renames a new one over it, so the copy cannot change the cache. Every
// other file, the database first of all, is copied.
func copyDataDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d iofs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: not a regular file", path)
		case strings.HasPrefix(rel, "blobs"+string(filepath.Separator)):
			if os.Link(path, target) == nil {
				return nil
			}
			// Another file system, or one without hard links: copy.
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
