package oauth

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestUserCodesUseTheWholeAlphabetEvenly(t *testing.T) {
	counts := map[rune]int{}
	const n = 20000
	for range n {
		c := newUserCode()
		if len(c) != userCodeLen || strings.Trim(c, userCodeAlphabet) != "" {
			t.Fatalf("user code %q: want %d characters of %s", c, userCodeLen, userCodeAlphabet)
		}
		for _, r := range c {
			counts[r]++
		}
	}
	// Each of the 29 letters is expected 20000*8/29 ≈ 5517 times; a biased
	// draw (taking bytes modulo 29 without rejection) gives the first 24
	// letters about 5650 and the last 5 about 4700.
	want := float64(n*userCodeLen) / float64(len(userCodeAlphabet))
	for _, r := range userCodeAlphabet {
		if got := float64(counts[r]); got < want*0.93 || got > want*1.07 {
			t.Errorf("letter %c drawn %v times, want about %.0f", r, got, want)
		}
	}
}

func TestNormalizeUserCode(t *testing.T) {
	for in, want := range map[string]string{
		"bcdf-ghjk":    "BCDFGHJK",
		" BCDF GHJK ":  "BCDFGHJK",
		"bCdF-gHjK\t":  "BCDFGHJK",
		"BCDFGHJK":     "BCDFGHJK",
		"bcdf--ghjk-x": "BCDFGHJKX",
	} {
		if got := NormalizeUserCode(in); got != want {
			t.Errorf("NormalizeUserCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := FormatUserCode("BCDFGHJK"); got != "BCDF-GHJK" {
		t.Errorf("FormatUserCode = %q", got)
	}
}

func TestParseScopesExpandsAPIAndRefusesOthers(t *testing.T) {
	c := &DefaultClients()[0]
	got, ok := parseScopes(c, "api repositories api:read")
	if !ok || !slices.Equal(got, []string{ScopeRead, ScopeWrite, ScopeRepositories}) {
		t.Errorf("parseScopes = %v, %v", got, ok)
	}
	for _, bad := range []string{"", "   ", "admin", "api package:shipyard/x", "repository:acme"} {
		if got, ok := parseScopes(c, bad); ok {
			t.Errorf("parseScopes(%q) = %v, want refused", bad, got)
		}
	}
}

func TestPollTrackerSlowsDownAndForgetsExpiredCodes(t *testing.T) {
	p := newPollTracker()
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	exp := t0.Add(DeviceCodeTTL)
	if !p.allow("a", t0, exp) {
		t.Fatal("first poll refused")
	}
	if !p.allow("a", t0.Add(PollInterval-pollSlack), exp) {
		t.Fatal("a poll one interval later (less the slack) refused")
	}
	at := t0.Add(PollInterval - pollSlack)
	if p.allow("a", at.Add(time.Second), exp) {
		t.Fatal("a poll 1 s after the last one allowed")
	}
	// Slowed down for good: the interval is now 10 s.
	at = at.Add(time.Second)
	if !p.allow("a", at.Add(2*PollInterval-pollSlack), exp) {
		t.Fatal("the slowed-down interval refused")
	}
	at = at.Add(2*PollInterval - pollSlack)
	if p.allow("a", at.Add(PollInterval), exp) {
		t.Fatal("after slow_down the old 5 s interval is still allowed")
	}
	p.allow("b", t0, t0.Add(time.Second))
	p.allow("c", t0.Add(DeviceCodeTTL+2*time.Minute), exp.Add(time.Hour))
	if _, ok := p.codes["b"]; ok {
		t.Error("an expired code is still tracked after a sweep")
	}
}
