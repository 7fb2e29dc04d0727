package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

// seedRelease stores package alpha 1.0.0 with a tarball blob, directly.
func seedRelease(t *testing.T, b *Backends) {
	t.Helper()
	ctx := context.Background()
	if _, err := b.Blobs.Put(ctx, "tarballs/alpha-1.0.0.tar", strings.NewReader("tarball")); err != nil {
		t.Fatal(err)
	}
	err := b.Store.Update(ctx, func(tx store.Tx) error {
		p := &store.Package{Name: "alpha", UpdatedAt: time.Now()}
		if err := tx.CreatePackage(ctx, p); err != nil {
			return err
		}
		return tx.PutRelease(ctx, &store.Release{PackageID: p.ID, Version: "1.0.0", InnerChecksum: make([]byte, 32),
			OuterChecksum: make([]byte, 32), BlobKey: "tarballs/alpha-1.0.0.tar", App: "alpha", Metadata: []byte("x")})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func packageDownloads(t *testing.T, st store.Store) int64 {
	t.Helper()
	p, err := st.Package(context.Background(), "alpha")
	if err != nil {
		t.Fatal(err)
	}
	return p.Downloads
}

func getOK(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
}

// Downloads counted in memory are in the store once Serve has shut down
// gracefully, well before the flush timer would have fired.
func TestServeWritesDownloadsOnShutdown(t *testing.T) {
	b, err := Open(context.Background(), Storage{DataDir: filepath.Join(t.TempDir(), "data")})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	seedRelease(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, Config{Addr: "127.0.0.1:0", RepoName: "shipyard"}, b, func(u string) { urls <- u })
	}()
	base := <-urls
	for range 3 {
		getOK(t, base+"/repo/tarballs/alpha-1.0.0.tar")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := packageDownloads(t, b.Store); n != 3 {
		t.Fatalf("after shutdown: %d downloads, want 3", n)
	}
}

// A Handler's counts are written when its backends close.
func TestHandlerWritesDownloadsOnClose(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	b, err := Open(context.Background(), Storage{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	seedRelease(t, b)
	srv := httptest.NewServer(Handler(Config{RepoName: "shipyard"}, b))
	getOK(t, srv.URL+"/repo/tarballs/alpha-1.0.0.tar")
	getOK(t, srv.URL+"/repo/tarballs/alpha-1.0.0.tar")
	srv.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b, err = Open(context.Background(), Storage{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n := packageDownloads(t, b.Store); n != 2 {
		t.Fatalf("after close: %d downloads, want 2", n)
	}
}
