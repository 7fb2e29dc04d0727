package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hexship/ship/registry/blob"
	blobfs "github.com/hexship/ship/registry/blob/fs"
	"github.com/hexship/ship/registry/store"
	"github.com/hexship/ship/tarball"
)

// withBlobs gives the site a blob store in a temporary directory.
func withBlobs(t *testing.T) func(*Site) {
	return func(s *Site) {
		b, err := blobfs.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s.Blobs = b
		s.RepoName = "shipyard"
	}
}

// release describes one release for publish.
type release struct {
	name, version, app string
	readme             map[string]string // README files by name
	links              []tarball.Link
	reqs               []tarball.Requirement
	at                 time.Time
	publisher          *store.User
	retire             *store.Retirement
}

// publish builds a real package tarball, stores it in the blob store and
// records the package, the release and the publisher as owner directly in
// the store, as the publish endpoint does.
func (e *env) publish(r release) *store.Release {
	e.t.Helper()
	if r.at.IsZero() {
		r.at = e.clock.Now()
	}
	return publishTo(e.t, e.store, e.site.Blobs, r)
}

// publishTo is publish for any test or benchmark, into st and blobs.
func publishTo(t testing.TB, st store.Store, blobs blob.Store, r release) *store.Release {
	t.Helper()
	ctx := context.Background()
	files := map[string]string{"src/" + r.name + ".erl": "-module(" + r.name + ")."}
	for n, b := range r.readme {
		files[n] = b
	}
	var list []tarball.File
	var names []string
	for name, body := range files {
		body := body
		names = append(names, name)
		list = append(list, tarball.File{Name: name, Mode: 0o644, Size: int64(len(body)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }})
	}
	sort.Strings(names)
	reqs := r.reqs
	if reqs == nil {
		reqs = []tarball.Requirement{}
	}
	meta := tarball.Metadata{Name: r.name, Version: r.version, App: r.app, Description: "The " + r.name + " package.",
		Licenses: []string{"Apache-2.0"}, Links: r.links, Files: names, BuildTools: []string{"rebar3"}, Requirements: reqs}
	var buf bytes.Buffer
	res, err := tarball.Build(&buf, meta, list)
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("tarballs/%s-%s-%x.tar", r.name, r.version, res.OuterChecksum[:6])
	if _, err := blobs.Put(ctx, key, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	var rel *store.Release
	err = st.Update(ctx, func(tx store.Tx) error {
		pkg, err := tx.Package(ctx, r.name)
		var storeLinks []store.Link
		for _, l := range r.links {
			storeLinks = append(storeLinks, store.Link{Name: l.Name, URL: l.URL})
		}
		pm := store.PackageMeta{Description: meta.Description, Licenses: meta.Licenses, Links: storeLinks}
		if errors.Is(err, store.ErrNotFound) {
			pkg = &store.Package{Name: r.name, Meta: pm}
			if err := tx.CreatePackage(ctx, pkg); err != nil {
				return err
			}
			if err := tx.SetOwner(ctx, pkg.ID, r.publisher.ID, store.LevelFull); err != nil {
				return err
			}
		} else if err != nil {
			return err
		} else {
			pkg.Meta = pm
			pkg.UpdatedAt = r.at
			if err := tx.UpdatePackage(ctx, pkg); err != nil {
				return err
			}
		}
		var sreqs []store.Requirement
		for _, q := range reqs {
			sreqs = append(sreqs, store.Requirement{Name: q.Name, App: cmpOr(q.App, q.Name), Requirement: q.Requirement, Optional: q.Optional, Repository: q.Repository})
		}
		inner := sha256.Sum256([]byte(r.version))
		rel = &store.Release{PackageID: pkg.ID, Version: r.version, InnerChecksum: inner[:], OuterChecksum: res.OuterChecksum[:],
			Size: res.Size, BlobKey: key, App: cmpOr(r.app, r.name), BuildTools: meta.BuildTools, Requirements: sreqs,
			Metadata: meta.Encode(), PublisherID: r.publisher.ID, CreatedAt: r.at, UpdatedAt: r.at}
		if err := tx.PutRelease(ctx, rel); err != nil {
			return err
		}
		if r.retire != nil {
			return tx.SetRetirement(ctx, rel.ID, r.retire, r.at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
