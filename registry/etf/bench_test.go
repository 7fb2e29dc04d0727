package etf

import (
	"encoding/json"
	"testing"
)

// The benchmarks put ETF next to encoding/json for one realistic response,
// a package with 20 releases, so the cost of serving Erlang format is known
// relative to JSON.
func BenchmarkEncode(b *testing.B) {
	pkg := samplePackage(20)
	b.Run("etf", func(b *testing.B) {
		out, _ := Encode(pkg)
		b.SetBytes(int64(len(out)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Encode(pkg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		out, _ := json.Marshal(pkg)
		b.SetBytes(int64(len(out)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(pkg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	pkg := samplePackage(20)
	b.Run("etf", func(b *testing.B) {
		data, err := Encode(pkg)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		data, err := json.Marshal(pkg)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
