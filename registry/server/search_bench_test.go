//go:build unix

package server_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"
)

// BenchmarkSearch measures search latency over loopback HTTP in seeded
// registries of 1,000 and 100,000 packages (see seedCache: packages
// pkg000000… with one release each and one description shared by all):
// the website's result page (GET /packages?q=, ranked by relevance, 30 a
// page, with the match count) and the API's list (GET
// /api/packages?search=, by name, 100 a page), each for a search matching
// one package by its exact name, ten by prefix, a thousand by prefix,
// every package by its description, and none. The baseline is GET
// /api/packages/NAME, one package's view, in the same registry. p50-ns
// and p95-ns are the median and 95th percentile.
//
//	go test -run='^$' -bench=Search -benchtime=200x -timeout=0 ./registry/server/
func BenchmarkSearch(b *testing.B) {
	searches := []struct{ name, q string }{
		{"exact", "pkg012345"},
		{"prefix10", "pkg01234"},
		{"prefix1000", "pkg012"},
		{"description_all", "benchmarks"},
		{"none", "zzzz"},
		{"empty", ""},
	}
	for _, n := range []int{1000, 100000} {
		reg := startRegistry(b, n)
		one := seededName(n / 2)
		if n == 1000 {
			searches[0].q, searches[1].q, searches[2].q = "pkg000123", "pkg00012", "pkg000"
		}
		measure := func(b *testing.B, path string) {
			reg.get(b, reg.url+path) // warm: connection, page cache
			var ds []time.Duration
			for b.Loop() {
				start := time.Now()
				reg.get(b, reg.url+path)
				ds = append(ds, time.Since(start))
			}
			reportPercentile(b, ds, 50, "p50-ns")
			reportPercentile(b, ds, 95, "p95-ns")
		}
		b.Run(fmt.Sprintf("packages=%d/baseline_package_view", n), func(b *testing.B) {
			measure(b, "/api/packages/"+one)
		})
		for _, s := range searches {
			b.Run(fmt.Sprintf("packages=%d/web/%s", n, s.name), func(b *testing.B) {
				measure(b, "/packages?q="+url.QueryEscape(s.q))
			})
			b.Run(fmt.Sprintf("packages=%d/api/%s", n, s.name), func(b *testing.B) {
				measure(b, "/api/packages?search="+url.QueryEscape(s.q))
			})
		}
		b.Run(fmt.Sprintf("packages=%d/web/prefix1000_recent", n), func(b *testing.B) {
			measure(b, "/packages?sort=recent&q="+url.QueryEscape(searches[2].q))
		})
	}
}
