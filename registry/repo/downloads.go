package repo

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hexship/ship/registry/store"
)

// FlushEvery is how long a tarball download waits in memory, at most,
// before it is written to the store with every other one counted since
// the last flush.
const FlushEvery = 10 * time.Second

// downloads counts tarball fetches per release in memory, so that serving
// a tarball never writes to the database: a fetch is a map lookup and an
// atomic add. The first count after a flush arms a timer that flushes
// them all in one transaction; Flush also runs on shutdown. A failed
// flush puts its counts back, to go with the next one.
type downloads struct {
	store store.Store
	every time.Duration
	log   atomic.Pointer[slog.Logger]

	counts sync.Map // release ID → *atomic.Int64; entries stay, at zero, once flushed

	// armed is true while a timer is due to flush what was counted. Add
	// arms it only when it is false, so a fetch normally takes no lock.
	armed atomic.Bool

	flushing sync.Mutex // serialises flushes
	// mu guards timer and closed; it is never held across a store write,
	// so a fetch that arms the timer never waits for a flush.
	mu     sync.Mutex
	timer  *time.Timer
	closed bool
}

func newDownloads(st store.Store, every time.Duration) *downloads {
	return &downloads{store: st, every: every}
}

// add counts one download of a release.
func (d *downloads) add(releaseID int64) {
	c, ok := d.counts.Load(releaseID)
	if !ok {
		c, _ = d.counts.LoadOrStore(releaseID, new(atomic.Int64))
	}
	c.(*atomic.Int64).Add(1)
	if !d.armed.Load() && d.armed.CompareAndSwap(false, true) {
		d.arm()
	}
}

// arm schedules a flush; after close it does nothing (the final flush is
// the caller's).
func (d *downloads) arm() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.timer = time.AfterFunc(d.every, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := d.flush(ctx); err != nil {
			if l := d.log.Load(); l != nil {
				l.Warn("writing download counts failed; will retry", "err", err)
			}
		}
	})
}

// flush writes every count taken so far in one transaction. Counts added
// while it runs go with the next flush: armed is cleared before the
// counters are read, so such an add arms a new timer.
func (d *downloads) flush(ctx context.Context) error {
	d.flushing.Lock()
	defer d.flushing.Unlock()
	d.armed.Store(false)
	batch := map[int64]int64{}
	d.counts.Range(func(k, v any) bool {
		if n := v.(*atomic.Int64).Swap(0); n != 0 {
			batch[k.(int64)] = n
		}
		return true
	})
	if len(batch) == 0 {
		return nil
	}
	err := d.store.Update(ctx, func(tx store.Tx) error { return tx.AddDownloads(ctx, batch) })
	if err != nil {
		for id, n := range batch {
			c, _ := d.counts.LoadOrStore(id, new(atomic.Int64))
			c.(*atomic.Int64).Add(n)
		}
		if d.armed.CompareAndSwap(false, true) {
			d.arm()
		}
	}
	return err
}

// close flushes what is left and stops the timer; counts added later are
// written only by another explicit flush.
func (d *downloads) close(ctx context.Context) error {
	d.mu.Lock()
	d.closed = true
	if d.timer != nil {
		d.timer.Stop()
	}
	d.mu.Unlock()
	return d.flush(ctx)
}

// FlushDownloads writes the tarball downloads counted so far to the store
// now, in one transaction, rather than when the timer fires.
func (r *Repo) FlushDownloads(ctx context.Context) error { return r.downloads.flush(ctx) }

// CloseDownloads stops the flush timer and writes what is left. A server
// calls it once no request is in flight any more, before closing the
// store, so no count taken is lost on a graceful shutdown.
func (r *Repo) CloseDownloads(ctx context.Context) error { return r.downloads.close(ctx) }
