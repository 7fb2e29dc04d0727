package repofile

import (
	"fmt"
	"testing"
)

// BenchmarkNamesRebuild measures what a publish costs for /names: assembling
// the pre-encoded entries of every package and sealing the result.
func BenchmarkNamesRebuild(b *testing.B) {
	s := NewSigner(testKey(b, "key1.pem"))
	for _, n := range []int{1_000, 100_000} {
		entries := make([][]byte, n)
		for i := range entries {
			e, err := EncodeNamesEntry(NamesEntry{Name: fmt.Sprintf("package_%06d", i), UpdatedAt: at(1700000000+int64(i), 0)})
			if err != nil {
				b.Fatal(err)
			}
			entries[i] = e
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var size int
			for b.Loop() {
				file, err := s.Seal(AssembleNames("acme", entries))
				if err != nil {
					b.Fatal(err)
				}
				size = len(file)
			}
			b.ReportMetric(float64(size), "file-bytes")
		})
	}
}
