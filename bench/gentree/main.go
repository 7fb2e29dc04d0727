// Command gentree writes a synthetic package of source-like text for
// benchmarks: N files totalling about SIZE bytes under DIR, with a ship.toml.
// The text varies identifiers and numbers so it compresses like real code
// (about 4:1 with gzip -6), not like repeated lines.
//
//	go run ./bench/gentree -files 5000 -size 50000000 DIR
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	files := flag.Int("files", 5000, "number of files")
	size := flag.Int64("size", 50_000_000, "total bytes of file contents")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: gentree [-files N] [-size BYTES] DIR")
	}
	if err := generate(flag.Arg(0), *files, *size); err != nil {
		log.Fatal(err)
	}
}

var words = strings.Fields(`defmodule def defp do end case cond with when fn receive after
	send spawn Enum map reduce filter List Map Keyword String Kernel Agent GenServer
	handle_call handle_cast handle_info init state reply noreply ok error true false nil
	socket conn request response params opts config value key acc item items list count
	buffer offset length timeout reason module function args result`)

func generate(dir string, n int, total int64) error {
	rng := rand.New(rand.NewPCG(1, 2))
	per := total / int64(n)
	for i := range n {
		name := filepath.Join(dir, "lib", fmt.Sprintf("area_%02d", i%50), fmt.Sprintf("module_%04d.ex", i))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, sourceText(rng, i, per), 0o644); err != nil {
			return err
		}
	}
	manifest := `name = "bench_pkg"
version = "1.0.0"
description = "Synthetic package for benchmarks."
licenses = ["Apache-2.0"]
files = ["lib"]
`
	return os.WriteFile(filepath.Join(dir, "ship.toml"), []byte(manifest), 0o644)
}

// sourceText returns about n bytes of Elixir-looking code.
func sourceText(rng *rand.Rand, id int, n int64) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "defmodule Bench.Module%d do\n", id)
	for int64(b.Len()) < n-4 {
		fmt.Fprintf(&b, "  def %s_%d(%s, %s) do\n", words[rng.IntN(len(words))], rng.IntN(1000),
			words[rng.IntN(len(words))], words[rng.IntN(len(words))])
		for range 1 + rng.IntN(5) {
			fmt.Fprintf(&b, "    %s = %s.%s(%s, %d)\n", words[rng.IntN(len(words))], words[rng.IntN(len(words))],
				words[rng.IntN(len(words))], words[rng.IntN(len(words))], rng.IntN(100000))
		}
		b.WriteString("  end\n\n")
	}
	b.WriteString("end\n")
	return []byte(b.String())
}
