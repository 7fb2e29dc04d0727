package web

import (
	"container/list"
	"html/template"
	"sync"
)

// readmeHTML is a release's README as the package page shows it.
type readmeHTML struct {
	HTML      template.HTML
	Name      string // the file's name in the package; "" when it has none
	Truncated bool
}

// readmeCache keeps rendered READMEs, least recently used out first,
// within a byte budget. A release's tarball never changes once published
// except by a replace, which stores it under a new blob key, so a key of
// package, version and blob key is never stale.
type readmeCache struct {
	mu     sync.Mutex
	budget int // bytes of HTML kept at most
	used   int
	order  *list.List // of *cacheEntry, most recent at the front
	byKey  map[string]*list.Element
}

type cacheEntry struct {
	key string
	val readmeHTML
}

// readmeCacheBudget is what rendered READMEs may take in memory: a few
// hundred typical READMEs, or some dozens of the largest.
const readmeCacheBudget = 32 << 20

func newReadmeCache(budget int) *readmeCache {
	return &readmeCache{budget: budget, order: list.New(), byKey: map[string]*list.Element{}}
}

func readmeKey(name, version, blobKey string) string {
	return name + "\x00" + version + "\x00" + blobKey
}

func (c *readmeCache) get(key string) (readmeHTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return readmeHTML{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).val, true
}

func (c *readmeCache) put(key string, val readmeHTML) {
	size := entrySize(key, val)
	if size > c.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.used -= entrySize(key, e.Value.(*cacheEntry).val)
		c.order.Remove(e)
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, val: val})
	c.used += size
	for c.used > c.budget {
		last := c.order.Back()
		ent := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.byKey, ent.key)
		c.used -= entrySize(ent.key, ent.val)
	}
}

// entrySize is roughly what an entry holds in memory.
func entrySize(key string, v readmeHTML) int {
	return len(key) + len(v.HTML) + len(v.Name) + 64
}
