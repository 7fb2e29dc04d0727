//go:build unix

package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexship/ship/internal/shipyardtest"
	"github.com/hexship/ship/registry/oauth"
)

// pendingDevices is how many device logins wait for approval at once in
// BenchmarkDevicePolling.
const pendingDevices = 10_000

// BenchmarkDevicePolling measures what waiting device logins cost the
// server: 10,000 pending device codes, each polled once per round as a
// client keeping the 5 s interval does (one op is one round, 10,000 polls
// over 64 kept-alive connections). It reports the CPU time of a round
// (cpu-ms/round) and the share of one core that polling at the interval
// keeps busy (cores), for the polls and for a baseline round of as many
// requests of the same shape to an API path that answers 404 at once; the
// difference is the device-code lookup. The client's own CPU is in both.
//
//	go test -run='^$' -bench=DevicePolling -benchtime=10x ./registry/server/
func BenchmarkDevicePolling(b *testing.B) {
	if b.N > 100 {
		b.Fatal("device codes expire after 120 rounds; run with -benchtime=Nx, N <= 100")
	}
	reg := shipyardtest.Start(b, shipyardtest.StartAt(time.Now().UTC()))
	clock := reg.Clock

	// Start the logins directly: the API limits device codes per address.
	issuer := reg.OAuth(b)
	bodies := make([]string, pendingDevices)
	for i := range bodies {
		d, err := issuer.DeviceAuthorization(context.Background(), oauth.DeviceRequest{ClientID: oauth.ShipClientID, Scope: "api", Name: fmt.Sprint("box", i)})
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = url.Values{"grant_type": {oauth.GrantDeviceCode}, "client_id": {oauth.ShipClientID}, "device_code": {d.DeviceCode}}.Encode()
	}
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()

	round := func(path string, want int) {
		var next atomic.Int64
		var failed atomic.Pointer[error]
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= pendingDevices || failed.Load() != nil {
						return
					}
					resp, err := client.Post(reg.URL+path, "application/x-www-form-urlencoded", strings.NewReader(bodies[i]))
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != want {
							err = fmt.Errorf("POST %s: status %d, want %d", path, resp.StatusCode, want)
						}
					}
					if err != nil {
						failed.Store(&err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := failed.Load(); err != nil {
			b.Fatal(*err)
		}
	}
	measure := func(path string, want int) time.Duration {
		var cpu time.Duration
		for range b.N {
			clock.Advance(oauth.PollInterval)
			before := cpuTime(b)
			round(path, want)
			cpu += cpuTime(b) - before
		}
		return cpu / time.Duration(b.N)
	}
	round("/api/oauth/token", http.StatusBadRequest) // warm the connections and the poll tracker
	b.ResetTimer()
	polls := measure("/api/oauth/token", http.StatusBadRequest)
	b.StopTimer()
	baseline := measure("/api/oauth/nothing", http.StatusNotFound)
	b.ReportMetric(float64(polls)/float64(time.Millisecond), "cpu-ms/round")
	b.ReportMetric(polls.Seconds()/oauth.PollInterval.Seconds(), "cores")
	b.ReportMetric(float64(baseline)/float64(time.Millisecond), "baseline-cpu-ms/round")
	b.ReportMetric(float64(polls)/float64(baseline), "x-baseline")
}
