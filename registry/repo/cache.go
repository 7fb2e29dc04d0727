package repo

import (
	"context"
	"encoding/hex"
	"sync"
	"time"
)

// location is what serving a tarball needs to know about its release.
type location struct {
	releaseID     int64 // whose downloads a fetch counts
	blobKey       string
	etag          string
	editableUntil time.Time // after it the tarball can no longer change
}

// genCache holds values valid for one index generation. Every change to a
// release (publish, replace, revert, retire, docs) advances the generation
// in the same transaction, so a cached value is never used after what it
// describes changed; checking the generation is one small read where the
// lookups it saves are larger ones.
type genCache[V any] struct {
	mu         sync.Mutex
	generation int64
	values     map[string]V
	max        int // the cache is emptied when full, which only costs the lookups it saved
}

func (c *genCache[V]) get(generation int64, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.generation != generation {
		var zero V
		return zero, false
	}
	v, ok := c.values[key]
	return v, ok
}

func (c *genCache[V]) put(generation int64, key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.generation != generation || c.values == nil || len(c.values) >= c.max {
		c.generation = generation
		c.values = map[string]V{}
	}
	c.values[key] = v
}

// locate finds where a release's tarball is, from the cache when the index
// has not changed since it was filled.
func (r *Repo) locate(ctx context.Context, name, version string) (location, error) {
	gen, err := r.store.IndexGeneration(ctx)
	if err != nil {
		return location{}, err
	}
	key := name + "-" + version
	if loc, ok := r.tarballs.get(gen, key); ok {
		return loc, nil
	}
	pkg, rel, err := r.findRelease(ctx, name, version)
	if err != nil {
		return location{}, err
	}
	loc := location{
		releaseID:     rel.ID,
		blobKey:       rel.BlobKey,
		etag:          `"` + hex.EncodeToString(rel.OuterChecksum) + `"`,
		editableUntil: editableUntil(pkg, rel),
	}
	r.tarballs.put(gen, key, loc)
	return loc, nil
}

// packageFile returns a package's signed file, from the cache when the
// index has not changed since it was read.
func (r *Repo) packageFile(ctx context.Context, name string) (file, error) {
	gen, err := r.store.IndexGeneration(ctx)
	if err != nil {
		return file{}, err
	}
	if f, ok := r.packages.get(gen, name); ok {
		return f, nil
	}
	rf, err := r.store.RepoFile(ctx, PackagePath(name))
	if err != nil {
		return file{}, err
	}
	f := file{body: rf.Body, etag: rf.ETag}
	r.packages.put(gen, name, f)
	return f, nil
}
