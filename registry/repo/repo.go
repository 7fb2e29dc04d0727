// Package repo keeps and serves the signed repository that mix and rebar3
// read: /names, /versions, /packages/NAME, /tarballs/NAME-VERSION.tar and
// /public_key.
//
// Every write to a package calls Refresh inside its transaction, which
// re-signs only that package's file and replaces its pre-encoded index
// entry. /names and /versions are assembled from the entries when first
// asked for after a change, so the cost of a publish does not grow with the
// number of packages in the registry.
package repo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hexship/ship/hexmeta"
	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/repofile"
	"github.com/hexship/ship/registry/store"
)

// Repo is one signed repository.
type Repo struct {
	name   string
	signer *repofile.Signer
	store  store.Store
	blobs  blob.Store
	now    func() time.Time

	mu    sync.Mutex // guards index; held while rebuilding so one request does the work
	index *indexFiles

	// Lookups cached for the current index generation.
	tarballs genCache[location] // by "name-version"
	packages genCache[file]     // signed package files, by name

	downloads *downloads // tarball fetches not yet written
}

// indexFiles is /names and /versions as of one index generation.
type indexFiles struct {
	generation int64
	names      file
	versions   file
}

// file is a sealed repository file and its ETag.
type file struct {
	body []byte
	etag string
}

// New returns the repository called name (the `repository` field of every
// signed file, which clients check against the name they configured). now
// is the clock (nil means time.Now); tests move it.
func New(name string, signer *repofile.Signer, st store.Store, blobs blob.Store, now func() time.Time) *Repo {
	if now == nil {
		now = time.Now
	}
	return &Repo{
		name: name, signer: signer, store: st, blobs: blobs, now: now,
		tarballs:  genCache[location]{max: 100_000},
		packages:  genCache[file]{max: 10_000}, // package files are a few kB each
		downloads: newDownloads(st, FlushEvery),
	}
}

// Name is the repository name.
func (r *Repo) Name() string { return r.name }

// PublicKeyPEM is the key clients verify signatures with.
func (r *Repo) PublicKeyPEM() []byte { return r.signer.PublicKeyPEM() }

// PackagePath is the store path of a package's signed file.
func PackagePath(name string) string { return "packages/" + name }

// NewTarballKey returns a fresh blob key for an uploaded tarball. Every
// upload gets its own key, so a publish never overwrites the blob that a
// committed release points at: a replace killed half-way, or two uploads
// of one version racing, leave the committed release intact, and a failed
// upload can delete its own blob without checking who else uses it.
func NewTarballKey(name, version string) string {
	// One directory per package: a flat directory of every tarball would
	// make each publish's directory fsync slower as the registry grows.
	return fmt.Sprintf("tarballs/%s/%s-%s-%s.tar", name, name, version, nonce())
}

// NewDocsKey returns a fresh blob key for an uploaded docs tarball
// (Release.DocsKey), for the reasons NewTarballKey gives: an upload never
// overwrites docs a committed release points at, so a docs removal or a
// garbage collection deleting a key nothing refers to cannot take docs
// another upload has just written. (Registries from before this kept docs
// at docs/NAME-VERSION.tar.gz; their releases still point there.)
func NewDocsKey(name, version string) string {
	return fmt.Sprintf("docs/%s/%s-%s-%s.tar.gz", name, name, version, nonce())
}

// nonce is 16 random hex digits.
func nonce() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Refresh rebuilds pkg's signed file and index entry from the releases tx
// holds; with no releases left it removes them. Call it in the same
// transaction as the change, so the repository never disagrees with the API.
func (r *Repo) Refresh(ctx context.Context, tx store.Tx, pkg *store.Package) error {
	releases, err := tx.Releases(ctx, pkg.ID)
	if err != nil {
		return err
	}
	if len(releases) == 0 {
		if err := tx.DeleteRepoFile(ctx, PackagePath(pkg.Name)); err != nil {
			return err
		}
		return tx.DeleteIndexEntry(ctx, pkg.Name)
	}
	SortReleases(releases)

	p := &repofile.Package{Name: pkg.Name, Repository: r.name}
	versions := repofile.VersionsEntry{Name: pkg.Name}
	for i, rel := range releases {
		p.Releases = append(p.Releases, r.release(pkg, &rel))
		versions.Versions = append(versions.Versions, rel.Version)
		if rel.Retirement != nil {
			versions.Retired = append(versions.Retired, int32(i))
		}
	}
	payload, err := repofile.EncodePackage(p)
	if err != nil {
		return err
	}
	sealed, err := r.signer.Seal(payload)
	if err != nil {
		return err
	}
	if err := tx.PutRepoFile(ctx, &store.RepoFile{
		Path: PackagePath(pkg.Name), Body: sealed, ETag: etagOf(sealed), UpdatedAt: pkg.UpdatedAt,
	}); err != nil {
		return err
	}
	namesEntry, err := repofile.EncodeNamesEntry(repofile.NamesEntry{Name: pkg.Name, UpdatedAt: pkg.UpdatedAt})
	if err != nil {
		return err
	}
	versionsEntry, err := repofile.EncodeVersionsEntry(versions)
	if err != nil {
		return err
	}
	return tx.SetIndexEntry(ctx, &store.IndexEntry{Name: pkg.Name, Names: namesEntry, Versions: versionsEntry})
}

func (r *Repo) release(pkg *store.Package, rel *store.Release) repofile.Release {
	out := repofile.Release{
		Version:       rel.Version,
		InnerChecksum: rel.InnerChecksum,
		OuterChecksum: rel.OuterChecksum,
		PublishedAt:   rel.CreatedAt,
	}
	for _, req := range rel.Requirements {
		dep := repofile.Dependency{Package: req.Name, Requirement: req.Requirement, Optional: req.Optional}
		if req.App != "" && req.App != req.Name {
			dep.App = req.App
		}
		if req.Repository != "" && req.Repository != r.name {
			dep.Repository = req.Repository
		}
		out.Dependencies = append(out.Dependencies, dep)
	}
	if rel.Retirement != nil {
		out.Retired = &repofile.Retirement{Reason: rel.Retirement.Reason, Message: rel.Retirement.Message}
	}
	return out
}

// SortReleases orders releases by SemVer precedence, oldest first, as
// hex.pm lists them. Versions that do not parse (none should be stored)
// sort first, by string. Each version is parsed once, not once per
// comparison: this runs on every publish and package view.
func SortReleases(releases []store.Release) {
	type keyed struct {
		rel     store.Release
		version hexmeta.Version
		ok      bool
	}
	keys := make([]keyed, len(releases))
	for i, rel := range releases {
		v, err := hexmeta.ParseVersion(rel.Version)
		keys[i] = keyed{rel, v, err == nil}
	}
	slices.SortStableFunc(keys, func(a, b keyed) int {
		switch {
		case !a.ok && !b.ok:
			return strings.Compare(a.rel.Version, b.rel.Version)
		case !a.ok:
			return -1
		case !b.ok:
			return 1
		}
		if c := a.version.Compare(b.version); c != 0 {
			return c
		}
		return strings.Compare(a.rel.Version, b.rel.Version)
	})
	for i := range keys {
		releases[i] = keys[i].rel
	}
}

// currentIndex returns /names and /versions for the current generation,
// assembling and signing them only when an entry changed since last time.
func (r *Repo) currentIndex(ctx context.Context) (*indexFiles, error) {
	gen, err := r.store.IndexGeneration(ctx)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.index != nil && r.index.generation == gen {
		return r.index, nil
	}
	entries, gen, err := r.store.IndexEntries(ctx)
	if err != nil {
		return nil, err
	}
	names := make([][]byte, len(entries))
	versions := make([][]byte, len(entries))
	for i, e := range entries {
		names[i], versions[i] = e.Names, e.Versions
	}
	idx := &indexFiles{generation: gen}
	if idx.names, err = r.seal(repofile.AssembleNames(r.name, names)); err != nil {
		return nil, err
	}
	if idx.versions, err = r.seal(repofile.AssembleVersions(r.name, versions)); err != nil {
		return nil, err
	}
	r.index = idx
	return idx, nil
}

func (r *Repo) seal(payload []byte) (file, error) {
	body, err := r.signer.Seal(payload)
	if err != nil {
		return file{}, err
	}
	return file{body: body, etag: etagOf(body)}, nil
}

// etagOf is a strong ETag from the content, so every process serving one
// registry gives the same tag for the same file.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}
