package repo

import (
	"context"
	"encoding/hex"
	"sync"
	"time"
)

// location is what serving a tarball needs to know about its release.
type location struct {
	blobKey          string
	etag             string
	releaseCreatedAt time.Time
	packageCreatedAt time.Time
}

// locations caches tarball locations for one index generation. Every
// change to a release (publish, replace, revert, retire, docs) advances
// the generation in the same transaction, so an entry is never used after
// the release it describes changed; checking the generation is one small
// read where finding a release is two larger ones.
type locations struct {
	mu         sync.Mutex
	generation int64
	byRelease  map[string]location // "name-version"
}

// maxLocations bounds the cache; it is emptied when full, which only costs
// the lookups it saved.
const maxLocations = 100_000

func (l *locations) get(generation int64, key string) (location, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.generation != generation {
		return location{}, false
	}
	loc, ok := l.byRelease[key]
	return loc, ok
}

func (l *locations) put(generation int64, key string, loc location) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.generation != generation || l.byRelease == nil || len(l.byRelease) >= maxLocations {
		l.generation = generation
		l.byRelease = map[string]location{}
	}
	l.byRelease[key] = loc
}

// locate finds where a release's tarball is, from the cache when the index
// has not changed since it was filled.
func (r *Repo) locate(ctx context.Context, name, version string) (location, error) {
	gen, err := r.store.IndexGeneration(ctx)
	if err != nil {
		return location{}, err
	}
	key := name + "-" + version
	if loc, ok := r.locations.get(gen, key); ok {
		return loc, nil
	}
	pkg, rel, err := r.findRelease(ctx, name, version)
	if err != nil {
		return location{}, err
	}
	loc := location{
		blobKey:          rel.BlobKey,
		etag:             `"` + hex.EncodeToString(rel.OuterChecksum) + `"`,
		releaseCreatedAt: rel.CreatedAt,
		packageCreatedAt: pkg.CreatedAt,
	}
	r.locations.put(gen, key, loc)
	return loc, nil
}
