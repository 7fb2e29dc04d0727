package sqlstoretest

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hexship/ship/registry/store"
)

// Words make up seeded descriptions: each is in many packages.
var Words = strings.Fields(`web http json parser client server database driver
	query cache queue pool logger metrics telemetry test mock fixture plug router
	socket stream crypto hash token auth oauth jwt csv xml yaml toml config
	template html markdown email smtp pubsub graph tree list map set vector
	matrix math time date calendar uuid random id encode decode binary`)

// RareWord is in the description of one seeded package in 10,000: ten of
// 100,000.
const RareWord = "zebra"

// Description is the description of seeded package i, from rng.
func Description(rng *rand.Rand, i int) string {
	desc := make([]string, 6)
	for j := range desc {
		desc[j] = Words[rng.IntN(len(Words))]
	}
	if i%10000 == 0 {
		desc = append(desc, RareWord)
	}
	return strings.Join(desc, " ")
}

// RepoFileBody is a stand-in for a signed, gzipped /packages/NAME file;
// its first bytes serve as checksums and metadata too.
var RepoFileBody = func() []byte {
	b := make([]byte, 2048)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}()

// Publish does what a publish does to the store: find the package, create
// or update it, put the release, make the publisher an owner, store the
// package's repository file and its index entry. downloads is a new
// package's download count.
func Publish(tx store.Tx, name, version, description string, downloads int64, when time.Time, publisher int64) error {
	ctx := context.Background()
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
		InnerChecksum: RepoFileBody[:32], OuterChecksum: RepoFileBody[32:64],
		Size: 10240, BlobKey: "tarballs/" + name + "-" + version + ".tar", App: name,
		BuildTools:   []string{"rebar3"},
		Requirements: []store.Requirement{{Name: "jason", App: "jason", Requirement: "~> 1.4", Repository: "hexpm"}},
		Metadata:     RepoFileBody[:600], PublisherID: publisher, CreatedAt: when, UpdatedAt: when,
	}
	if err := tx.PutRelease(ctx, r); err != nil {
		return err
	}
	if err := tx.SetOwner(ctx, p.ID, publisher, store.LevelFull); err != nil {
		return err
	}
	if err := tx.PutRepoFile(ctx, &store.RepoFile{Path: "packages/" + name, Body: RepoFileBody, ETag: `"` + version + `"`, UpdatedAt: when}); err != nil {
		return err
	}
	return tx.SetIndexEntry(ctx, &store.IndexEntry{Name: name, Names: []byte(name), Versions: []byte(version)})
}
