package repo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// countingStore counts the write transactions a store is asked for.
type countingStore struct {
	store.Store
	updates atomic.Int64
}

func (c *countingStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	c.updates.Add(1)
	return c.Store.Update(ctx, fn)
}

// downloadFixture is a repository with two releases whose tarballs exist,
// counting through a store that counts its writes; the timer is far away
// so only explicit flushes write.
func downloadFixture(t *testing.T) (*fixture, *countingStore, http.Handler) {
	t.Helper()
	f := newFixture(t)
	f.publish(t, "alpha", "1.0.0", false)
	f.publish(t, "alpha", "1.1.0", false)
	if _, err := f.repo.blobs.Put(context.Background(), "x", strings.NewReader("tarball bytes")); err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: f.store}
	f.repo.downloads = newDownloads(cs, 1<<62)
	return f, cs, f.repo.Handler("/repo", nil)
}

func fetch(t *testing.T, h http.Handler, method, path string, header ...string) int {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func downloadsOf(t *testing.T, st store.Store, version string) (release, pkg int64) {
	t.Helper()
	ctx := context.Background()
	p, err := st.Package(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.Release(ctx, p.ID, version)
	if err != nil {
		t.Fatal(err)
	}
	return r.Downloads, p.Downloads
}

// Fetches are counted exactly, even from many goroutines at once, and
// reach the store only when flushed, in one write.
func TestDownloadsCountedAndFlushed(t *testing.T) {
	f, cs, h := downloadFixture(t)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			v := "1.0.0"
			if i%5 == 0 {
				v = "1.1.0"
			}
			if code := fetch(t, h, "GET", "/repo/tarballs/alpha-"+v+".tar"); code != http.StatusOK {
				t.Errorf("GET tarball: %d", code)
			}
		})
	}
	wg.Wait()
	if n := cs.updates.Load(); n != 0 {
		t.Fatalf("%d store writes while serving 50 tarballs, want none", n)
	}
	if r, p := downloadsOf(t, f.store, "1.0.0"); r != 0 || p != 0 {
		t.Fatalf("before a flush: release %d, package %d downloads; want 0, 0", r, p)
	}
	if err := f.repo.FlushDownloads(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := cs.updates.Load(); n != 1 {
		t.Fatalf("%d store writes for one flush, want 1", n)
	}
	r1, p := downloadsOf(t, f.store, "1.0.0")
	r2, _ := downloadsOf(t, f.store, "1.1.0")
	if r1 != 40 || r2 != 10 || p != 50 {
		t.Fatalf("after a flush: 1.0.0 %d, 1.1.0 %d, package %d; want 40, 10, 50", r1, r2, p)
	}
	// Nothing new: a flush writes nothing.
	if err := f.repo.FlushDownloads(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := cs.updates.Load(); n != 1 {
		t.Fatalf("an empty flush wrote: %d writes", n)
	}
}

// HEAD, a 304 for a cached copy, a range and a missing release are not
// downloads.
func TestDownloadsOnlyWholeTarballs(t *testing.T) {
	f, _, h := downloadFixture(t)
	fetch(t, h, "HEAD", "/repo/tarballs/alpha-1.0.0.tar")
	fetch(t, h, "GET", "/repo/tarballs/alpha-9.9.9.tar")
	fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar", "Range", "bytes=0-3")
	etag := `"` + strings.Repeat("00", 32) + `"`
	if code := fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar", "If-None-Match", etag); code != http.StatusNotModified {
		t.Fatalf("conditional GET: %d, want 304", code)
	}
	fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar")
	if err := f.repo.FlushDownloads(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r, _ := downloadsOf(t, f.store, "1.0.0"); r != 1 {
		t.Fatalf("release downloads %d, want 1 (the one whole GET)", r)
	}
}

// A failed flush keeps its counts for the next one; closing writes what
// is left and stops the timer.
func TestDownloadsSurviveFailedFlushAndClose(t *testing.T) {
	f, _, h := downloadFixture(t)
	fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.repo.FlushDownloads(ctx); err == nil {
		t.Fatal("flush with a cancelled context succeeded")
	}
	fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar")
	if err := f.repo.CloseDownloads(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r, p := downloadsOf(t, f.store, "1.0.0"); r != 2 || p != 2 {
		t.Fatalf("after close: release %d, package %d; want 2, 2", r, p)
	}
}

// The timer writes counts without anyone asking.
func TestDownloadsFlushOnTimer(t *testing.T) {
	f, cs, h := downloadFixture(t)
	f.repo.downloads = newDownloads(cs, 1) // a nanosecond
	fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar")
	for {
		if r, _ := downloadsOf(t, f.store, "1.0.0"); r == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
}

// blockingStore holds every write until release is closed.
type blockingStore struct {
	store.Store
	entered chan struct{}
	release chan struct{}
}

func (s *blockingStore) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	s.entered <- struct{}{}
	<-s.release
	return s.Store.Update(ctx, fn)
}

// A slow flush does not hold up serving: the fetch that arms the next
// flush finishes while the write is still waiting.
func TestDownloadsFetchNotHeldBySlowFlush(t *testing.T) {
	f, _, h := downloadFixture(t)
	bs := &blockingStore{Store: f.store, entered: make(chan struct{}, 1), release: make(chan struct{})}
	f.repo.downloads = newDownloads(bs, 1<<62)
	fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar")
	done := make(chan error, 1)
	go func() { done <- f.repo.FlushDownloads(context.Background()) }()
	<-bs.entered
	if code := fetch(t, h, "GET", "/repo/tarballs/alpha-1.0.0.tar"); code != http.StatusOK {
		t.Fatalf("GET during a flush: %d", code)
	}
	close(bs.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := f.repo.FlushDownloads(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-bs.entered
	if r, _ := downloadsOf(t, f.store, "1.0.0"); r != 2 {
		t.Fatalf("release downloads %d, want 2", r)
	}
}
