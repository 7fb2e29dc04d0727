// Package gc deletes the blobs that no release refers to. A publish writes
// its tarball under a fresh key before its transaction commits the release
// that points at it, and deletes a replaced tarball only after the replace
// commits; docs are uploaded the same way, under a fresh key of their
// own, and deleted after the release stops pointing at them. A process
// killed in between leaves a blob nothing refers to, and nothing else ever
// removes it.
//
// Collect lists the blobs first and reads what the releases refer to
// second, so that a release committed while the blobs were listed counts
// as referring to its blob. What remains is deleted only when it was last
// written longer than MinAge ago: a publish in flight has written its
// tarball but not yet committed the release, and its blob must stay.
// Since no key is ever written twice, a blob that was old and unreferenced
// when looked at cannot become referenced afterwards, so it is deleted
// without looking at it again.
package gc

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hexship/ship/registry/blob"
	"github.com/hexship/ship/registry/store"
)

// Prefixes are where releases' blobs are kept: tarballs (repo.NewTarballKey)
// and docs (repo.NewDocsKey, and the fixed docs/NAME-VERSION.tar.gz of
// registries from before it). Blobs elsewhere are never deleted.
var Prefixes = []string{"tarballs/", "docs/"}

// DefaultMinAge is the MinAge the shipyard gc command uses unless told
// otherwise: far longer than any publish takes between writing its
// tarball and committing its release.
const DefaultMinAge = time.Hour

// Options tune a collection.
type Options struct {
	// MinAge keeps unreferenced blobs last written less than MinAge before
	// Collect started: they may belong to a publish that has not committed
	// yet. Zero deletes every unreferenced blob, which is safe only while
	// no publish is in flight.
	MinAge time.Duration
	// DryRun finds what would be deleted, and deletes nothing.
	DryRun bool
	// Deleted, when set, is called for each blob deleted, or that would
	// be in a dry run, after the deletion.
	Deleted func(key string, info blob.Info)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Report counts the blobs under Prefixes and says what became of them,
// with their sizes in bytes. Every blob listed is counted once more in
// one of Referenced, Young and Deleted.
type Report struct {
	// Listed are the blobs under Prefixes.
	Listed      int
	ListedBytes int64
	// Referenced are referred to by a release: kept.
	Referenced      int
	ReferencedBytes int64
	// Young are unreferenced but were written within MinAge: kept.
	Young      int
	YoungBytes int64
	// Deleted are unreferenced and older: deleted, or in a dry run to be.
	// (One another process deleted meanwhile counts here too: a Delete of
	// an absent key succeeds.)
	Deleted      int
	DeletedBytes int64
}

// ErrNoReleases is returned, with nothing deleted, when the metadata store
// holds no release at all while blobs would be deleted: most likely the
// store is not the one the blobs belong to (a --database pointing at a new
// file creates an empty one), and every blob would go.
var ErrNoReleases = errors.New("the metadata store has no releases")

// Collect deletes the blobs under Prefixes that no release in st refers to
// (Release.BlobKey and Release.DocsKey) and that were
// last written more than opts.MinAge ago. It stops at the first error,
// returning the report so far with it. Collect holds every listed key in
// memory: about a hundred bytes each.
func Collect(ctx context.Context, st store.Reader, blobs blob.Store, opts Options) (Report, error) {
	var rep Report
	if opts.MinAge < 0 {
		return rep, fmt.Errorf("minimum age %v is negative", opts.MinAge)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	cutoff := now().Add(-opts.MinAge)

	listed := map[string]blob.Info{}
	for _, prefix := range Prefixes {
		err := blobs.List(ctx, prefix, func(key string, info blob.Info) error {
			listed[key] = info
			return nil
		})
		if err != nil {
			return rep, fmt.Errorf("listing the blobs: %w", err)
		}
	}
	for _, info := range listed {
		rep.Listed++
		rep.ListedBytes += info.Size
	}

	// Only now, so that a release committed during the listing is seen.
	releases := 0
	err := st.ReleaseBlobs(ctx, func(b store.ReleaseBlob) error {
		releases++
		rep.keep(listed, b.BlobKey)
		if b.DocsKey != "" {
			rep.keep(listed, b.DocsKey)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("reading the releases' blobs: %w", err)
	}

	// In key order, so that a report reads like a listing.
	keys := slices.Sorted(maps.Keys(listed))
	var old []string
	for _, key := range keys {
		if info := listed[key]; info.ModTime.Before(cutoff) {
			old = append(old, key)
		} else {
			rep.young(info)
		}
	}
	if releases == 0 && len(old) > 0 {
		return rep, fmt.Errorf("%w, yet %d blobs are stored: check that the database is the one the blobs belong to; nothing was deleted", ErrNoReleases, len(old))
	}
	for _, key := range old {
		if err := rep.remove(ctx, blobs, key, listed[key], opts); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// keep takes a referenced key out of the listed blobs.
func (r *Report) keep(listed map[string]blob.Info, key string) {
	if info, ok := listed[key]; ok {
		r.Referenced++
		r.ReferencedBytes += info.Size
		delete(listed, key)
	}
}

func (r *Report) young(info blob.Info) {
	r.Young++
	r.YoungBytes += info.Size
}

// remove deletes an unreferenced blob that was old when listed.
func (r *Report) remove(ctx context.Context, blobs blob.Store, key string, info blob.Info, opts Options) error {
	if !opts.DryRun {
		if err := blobs.Delete(ctx, key); err != nil {
			return err
		}
	}
	r.Deleted++
	r.DeletedBytes += info.Size
	if opts.Deleted != nil {
		opts.Deleted(key, info)
	}
	return nil
}
