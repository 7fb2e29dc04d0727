package oauth

import (
	"sync"
	"time"
)

// pollTracker enforces the polling interval of device codes (RFC 8628
// §3.5). It lives in memory: a poll is a read, and writing its time to the
// database would cost more than the poll itself. With several server
// processes each one enforces the interval on the polls it sees.
type pollTracker struct {
	mu      sync.Mutex
	codes   map[string]*pollState
	sweepAt time.Time
}

type pollState struct {
	last     time.Time
	interval time.Duration
	expires  time.Time
}

// pollSlack forgives a poll that arrives a little early: a client that
// waits exactly the interval after its last answer can reach the server
// sooner than that after its last request arrived.
const pollSlack = time.Second

func newPollTracker() *pollTracker {
	return &pollTracker{codes: map[string]*pollState{}}
}

// allow records a poll of code at now and reports whether it kept the
// interval. A poll that did not slows the code down by 5 s for good, as
// RFC 8628 says.
func (p *pollTracker) allow(code string, now, expires time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep(now)
	st, ok := p.codes[code]
	if !ok {
		p.codes[code] = &pollState{last: now, interval: PollInterval, expires: expires}
		return true
	}
	early := now.Sub(st.last) < st.interval-pollSlack
	st.last = now
	if early {
		st.interval += 5 * time.Second
	}
	return !early
}

// forget drops a code whose tokens were collected.
func (p *pollTracker) forget(code string) {
	p.mu.Lock()
	delete(p.codes, code)
	p.mu.Unlock()
}

// sweep drops expired codes once a minute, so the map holds only live
// ones however many devices come and go.
func (p *pollTracker) sweep(now time.Time) {
	if now.Before(p.sweepAt) {
		return
	}
	p.sweepAt = now.Add(time.Minute)
	for code, st := range p.codes {
		if now.After(st.expires) {
			delete(p.codes, code)
		}
	}
}
