package registrytest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hexship/ship/tarball"
	"github.com/rogpeppe/go-internal/testscript"
)

// publish-storm [-kill] KEY NAME COUNT
//
// publishes versions 1.0.0 to 1.0.COUNT-1 of package NAME from 4 parallel
// uploaders. With -kill, shipyard is killed with SIGKILL at a random moment
// while they run, so that some publishes die half-way through: the test
// then restarts the server and checks that nothing is half there. Prints
// how many publishes the server confirmed and sets $CONFIRMED to their
// versions, which must all survive the crash.
func cmdPublishStorm(ts *testscript.TestScript, neg bool, args []string) {
	kill := len(args) > 0 && args[0] == "-kill"
	if kill {
		args = args[1:]
	}
	var count int
	if neg || len(args) != 3 {
		ts.Fatalf("usage: publish-storm [-kill] KEY NAME COUNT")
	}
	if _, err := fmt.Sscan(args[2], &count); err != nil || count < 1 {
		ts.Fatalf("COUNT must be a positive number")
	}
	key, name := args[0], args[1]
	bodies := make([][]byte, count)
	for i := range bodies {
		bodies[i] = buildTarball(ts, name, fmt.Sprintf("1.0.%d", i), 64<<10)
	}
	base := registry(ts)
	var next, confirmed atomic.Int64
	var mu sync.Mutex
	var versions []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(count) {
					return
				}
				req, _ := http.NewRequest("POST", base+"/api/packages/"+name+"/releases?replace=false", bytes.NewReader(bodies[i]))
				req.Header.Set("Authorization", key)
				req.Header.Set("Content-Type", "application/octet-stream")
				req.Header.Set("User-Agent", "registrytest")
				resp, err := client.Do(req)
				if err != nil {
					continue // the server was killed under us
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					confirmed.Add(1)
					mu.Lock()
					versions = append(versions, fmt.Sprintf("1.0.%d", i))
					mu.Unlock()
				}
			}
		}()
	}
	if kill {
		// Kill once a random number of publishes has committed, so that
		// others are surely in flight, at a random moment of their work.
		target := int64(1 + rand.IntN(count/2+1))
		for confirmed.Load() < target && next.Load() < int64(count) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond)
		cmdKill(ts, false, nil)
	}
	wg.Wait()
	fmt.Fprintf(ts.Stdout(), "confirmed %d of %d\n", confirmed.Load(), count)
	ts.Setenv("CONFIRMED", strings.Join(versions, " "))
	if !kill && confirmed.Load() != int64(count) {
		ts.Fatalf("only %d of %d publishes succeeded", confirmed.Load(), count)
	}
}

// buildTarball makes a valid package tarball with one source file of
// about size bytes.
func buildTarball(ts *testscript.TestScript, name, version string, size int) []byte {
	src := []byte(strings.Repeat(fmt.Sprintf("%% %s %s filler line\n", name, version), size/32+1))
	meta := tarball.Metadata{
		Name: name, Version: version, App: name,
		Description: "A package published by a test storm.",
		Licenses:    []string{"Apache-2.0"},
		BuildTools:  []string{"rebar3"},
		Files:       []string{"src/" + name + ".erl"},
	}
	files := []tarball.File{{
		Name: "src/" + name + ".erl", Mode: 0o644, Size: int64(len(src)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil },
	}}
	var buf bytes.Buffer
	_, err := tarball.Build(&buf, meta, files)
	ts.Check(err)
	return buf.Bytes()
}

// publish-race KEY NAME N uploads the same new version of NAME N times at
// once and checks that exactly one upload created it and every other one
// got hex.pm's clean "--replace" refusal.
func cmdPublishRace(ts *testscript.TestScript, neg bool, args []string) {
	var n int
	if neg || len(args) != 3 {
		ts.Fatalf("usage: publish-race KEY NAME N")
	}
	if _, err := fmt.Sscan(args[2], &n); err != nil || n < 2 {
		ts.Fatalf("N must be at least 2")
	}
	key, name := args[0], args[1]
	body := buildTarball(ts, name, "1.0.0", 256<<10)
	statuses := make([]int, n)
	bodies := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", registry(ts)+"/api/packages/"+name+"/releases?replace=false", bytes.NewReader(body))
			req.Header.Set("Authorization", key)
			req.Header.Set("Content-Type", "application/octet-stream")
			req.Header.Set("Accept", "application/json")
			<-start
			resp, err := client.Do(req)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			statuses[i], bodies[i] = resp.StatusCode, string(data)
		}()
	}
	close(start)
	wg.Wait()
	created := 0
	for i, status := range statuses {
		switch {
		case status == http.StatusCreated:
			created++
		case status == http.StatusUnprocessableEntity && strings.Contains(bodies[i], "must include the --replace flag"):
		default:
			ts.Fatalf("upload %d: status %d: %s", i, status, bodies[i])
		}
	}
	if created != 1 {
		ts.Fatalf("%d uploads created the release, want exactly 1", created)
	}
	fmt.Fprintf(ts.Stdout(), "1 created, %d refused\n", n-1)
}
