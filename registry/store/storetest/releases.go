package storetest

import (
	"testing"
	"time"

	"github.com/hexship/ship/registry/store"
)

var releaseCases = []testCase{
	{"ReleasePutAndFind", testReleasePutAndFind},
	{"ReleaseReplaceKeepsIDAndCreatedAt", testReleaseReplace},
	{"ReleaseDelete", testReleaseDelete},
	{"ReleaseRetirement", testReleaseRetirement},
}

func testReleasePutAndFind(t *testing.T, s store.Store) {
	alice := newUser(t, s, "alice")
	p := newPackage(t, s, "jason", t0)
	q := newPackage(t, s, "poison", t0)
	r1 := newRelease(p, "1.0.0", at(time.Minute))
	r1.PublisherID = alice.ID
	r2 := newRelease(p, "1.1.0-rc.0+build", at(2*time.Minute))
	r2.Retirement = &store.Retirement{Reason: "security", Message: "CVE"}
	r2.Requirements, r2.BuildTools, r2.DocsKey = nil, nil, ""
	rq := newRelease(q, "1.0.0", t0)
	update(t, s, func(tx store.Tx) error {
		for _, r := range []*store.Release{r1, r2, rq} {
			if err := tx.PutRelease(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if r1.ID == 0 || r1.ID == r2.ID || r2.ID == rq.ID {
		t.Fatalf("PutRelease IDs %d, %d, %d", r1.ID, r2.ID, rq.ID)
	}
	for _, want := range []*store.Release{r1, r2} {
		got, err := s.Release(ctx, p.ID, want.Version)
		must(t, err)
		equal(t, "Release("+want.Version+")", got, want)
	}
	all, err := s.Releases(ctx, p.ID)
	must(t, err)
	byVersion := map[string]store.Release{}
	for _, r := range all {
		byVersion[r.Version] = r
	}
	equal(t, "Releases(jason)", byVersion, map[string]store.Release{"1.0.0": *r1, "1.1.0-rc.0+build": *r2})

	_, err = s.Release(ctx, p.ID, "1.0")
	wantErr(t, "Release(1.0)", err, store.ErrNotFound)
	_, err = s.Release(ctx, p.ID+q.ID+100, "1.0.0")
	wantErr(t, "Release of a missing package", err, store.ErrNotFound)
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.PutRelease(ctx, newRelease(&store.Package{ID: p.ID + q.ID + 100, Name: "ghost"}, "1.0.0", t0))
	})
	wantErr(t, "PutRelease of a missing package", err, store.ErrNotFound)
}

// Replacing a release (republishing a version) keeps its ID and CreatedAt
// and stores everything else anew.
func testReleaseReplace(t *testing.T, s store.Store) {
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	p := newPackage(t, s, "jason", t0)
	first := newRelease(p, "1.0.0", at(time.Minute))
	first.PublisherID = alice.ID
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, first) })

	second := &store.Release{
		PackageID:     p.ID,
		Version:       "1.0.0",
		InnerChecksum: []byte("0123456789abcdef0123456789abcdef"),
		OuterChecksum: []byte("fedcba9876543210fedcba9876543210"),
		Size:          999,
		BlobKey:       "tarballs/jason-1.0.0.tar#2",
		App:           "jason_app",
		BuildTools:    []string{"mix"},
		Elixir:        "~> 1.16",
		Requirements:  []store.Requirement{{Name: "decimal", App: "decimal", Requirement: "~> 2.0", Repository: "hexpm"}},
		Metadata:      []byte("second"),
		PublisherID:   bob.ID,
		CreatedAt:     at(time.Hour), // ignored: the first publication's is kept
		UpdatedAt:     at(time.Hour),
	}
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, second) })
	if second.ID != first.ID || !second.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("replace set ID %d, CreatedAt %v; want %d, %v", second.ID, second.CreatedAt, first.ID, first.CreatedAt)
	}
	want := *second
	want.ID, want.CreatedAt = first.ID, first.CreatedAt
	got, err := s.Release(ctx, p.ID, "1.0.0")
	must(t, err)
	equal(t, "Release after replace", got, &want)
	all, err := s.Releases(ctx, p.ID)
	must(t, err)
	equal(t, "Releases after replace", all, []store.Release{want})
}

func testReleaseDelete(t *testing.T, s store.Store) {
	p := newPackage(t, s, "jason", t0)
	r1, r2 := newRelease(p, "1.0.0", t0), newRelease(p, "1.0.1", t0)
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutRelease(ctx, r1); err != nil {
			return err
		}
		return tx.PutRelease(ctx, r2)
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteRelease(ctx, r1.ID) })
	_, err := s.Release(ctx, p.ID, "1.0.0")
	wantErr(t, "Release(1.0.0) after delete", err, store.ErrNotFound)
	all, err := s.Releases(ctx, p.ID)
	must(t, err)
	equal(t, "Releases after delete", all, []store.Release{*r2})
	err = s.Update(ctx, func(tx store.Tx) error { return tx.DeleteRelease(ctx, r1.ID) })
	wantErr(t, "DeleteRelease again", err, store.ErrNotFound)

	// The version can be published again, as a new release.
	again := newRelease(p, "1.0.0", at(time.Hour))
	update(t, s, func(tx store.Tx) error { return tx.PutRelease(ctx, again) })
	if !again.CreatedAt.Equal(at(time.Hour)) {
		t.Errorf("a version published after its delete kept CreatedAt %v", again.CreatedAt)
	}
}

func testReleaseRetirement(t *testing.T, s store.Store) {
	p := newPackage(t, s, "jason", t0)
	r, other := newRelease(p, "1.0.0", t0), newRelease(p, "2.0.0", t0)
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutRelease(ctx, r); err != nil {
			return err
		}
		return tx.PutRelease(ctx, other)
	})

	ret := &store.Retirement{Reason: "deprecated", Message: "use 2.0"}
	update(t, s, func(tx store.Tx) error { return tx.SetRetirement(ctx, r.ID, ret, at(time.Hour)) })
	want := *r
	want.Retirement, want.UpdatedAt = &store.Retirement{Reason: "deprecated", Message: "use 2.0"}, at(time.Hour)
	got, err := s.Release(ctx, p.ID, "1.0.0")
	must(t, err)
	equal(t, "retired release", got, &want)

	update(t, s, func(tx store.Tx) error { return tx.SetRetirement(ctx, r.ID, nil, at(2*time.Hour)) })
	want.Retirement, want.UpdatedAt = nil, at(2*time.Hour)
	got, err = s.Release(ctx, p.ID, "1.0.0")
	must(t, err)
	equal(t, "unretired release", got, &want)

	got, err = s.Release(ctx, p.ID, "2.0.0")
	must(t, err)
	equal(t, "other release", got, other)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.SetRetirement(ctx, r.ID+other.ID+100, ret, t0) })
	wantErr(t, "SetRetirement(missing)", err, store.ErrNotFound)
}
