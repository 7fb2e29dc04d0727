package repo

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hexship/ship/registry/blob/fs"
	"github.com/hexship/ship/registry/repofile"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/registry/store/sqlite"
)

func TestSortReleasesBySemVer(t *testing.T) {
	var rels []store.Release
	for _, v := range []string{"1.10.0", "1.2.0", "1.0.0-rc.1", "1.0.0", "0.9.0", "1.0.0-beta.2", "1.0.0-beta.11"} {
		rels = append(rels, store.Release{Version: v})
	}
	SortReleases(rels)
	var got []string
	for _, r := range rels {
		got = append(got, r.Version)
	}
	want := []string{"0.9.0", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

type fixture struct {
	repo  *Repo
	store store.Store
	pub   *rsa.PublicKey
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := fs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{repo: New("shipyard", repofile.NewSigner(key), st, blobs, nil), store: st, pub: &key.PublicKey}
}

// publish stores a release of name and refreshes the repository, as a
// publish does, in one transaction.
func (f *fixture) publish(t *testing.T, name, version string, retired bool) {
	t.Helper()
	ctx := context.Background()
	err := f.store.Update(ctx, func(tx store.Tx) error {
		pkg, err := tx.Package(ctx, name)
		if err != nil {
			pkg = &store.Package{Name: name, UpdatedAt: time.Now()}
			if err := tx.CreatePackage(ctx, pkg); err != nil {
				return err
			}
		}
		rel := &store.Release{PackageID: pkg.ID, Version: version, InnerChecksum: make([]byte, 32), OuterChecksum: make([]byte, 32), BlobKey: "x", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if retired {
			rel.Retirement = &store.Retirement{Reason: "security", Message: "bad"}
		}
		if err := tx.PutRelease(ctx, rel); err != nil {
			return err
		}
		return f.repo.Refresh(ctx, tx, pkg)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) versions(t *testing.T) *repofile.Versions {
	t.Helper()
	idx, err := f.repo.currentIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	payload, err := repofile.Open(idx.versions.body, f.pub)
	if err != nil {
		t.Fatal(err)
	}
	v, err := repofile.DecodeVersions(payload, "shipyard")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// /versions follows every publish, lists versions in SemVer order with
// retired indexes into that order, and is rebuilt only after a change.
func TestIndexFollowsPublishes(t *testing.T) {
	f := newFixture(t)
	f.publish(t, "beta", "1.10.0", false)
	f.publish(t, "alpha", "0.1.0", false)
	f.publish(t, "beta", "1.9.0", true)

	v := f.versions(t)
	if len(v.Packages) != 2 || v.Packages[0].Name != "alpha" || v.Packages[1].Name != "beta" {
		t.Fatalf("packages %+v", v.Packages)
	}
	beta := v.Packages[1]
	if !slices.Equal(beta.Versions, []string{"1.9.0", "1.10.0"}) || !slices.Equal(beta.Retired, []int32{0}) {
		t.Fatalf("beta %+v", beta)
	}

	first, _ := f.repo.currentIndex(context.Background())
	again, _ := f.repo.currentIndex(context.Background())
	if first != again {
		t.Error("the index was rebuilt although nothing changed")
	}
	f.publish(t, "alpha", "0.2.0", false)
	if after, _ := f.repo.currentIndex(context.Background()); after == first {
		t.Error("the index was not rebuilt after a publish")
	}
}
