// Package testclock is a clock that tests move by hand, safe for the
// server goroutines that read it while a test advances it.
package testclock

import (
	"sync"
	"time"
)

// Clock is a settable time. Pass its Now method where code takes a
// func() time.Time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock showing t.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
