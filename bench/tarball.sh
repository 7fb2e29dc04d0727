#!/usr/bin/env bash
# Benchmark: `ship publish --dry-run` against `tar czf` (and pigz, when
# installed) on the same generated trees, in the same run. Prints the median
# of RUNS timings for each and the ratios; figures go in the issue notes.
#
#   bash bench/tarball.sh            # 5000 files / 50 MB and 20 files
#   RUNS=9 bash bench/tarball.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/ship" ./cmd/ship
go run ./bench/gentree -files 5000 -size 50000000 "$work/large"
go run ./bench/gentree -files 20 -size 40000 "$work/small"

# median prints the median wall time in milliseconds of RUNS runs of "$@".
median() {
	local times=()
	for _ in $(seq "$RUNS"); do
		local start end
		start=$(date +%s%N)
		"$@" >/dev/null 2>&1
		end=$(date +%s%N)
		times+=($(((end - start) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

for tree in large small; do
	dir="$work/$tree"
	size=$(find "$dir/lib" -type f -printf "%s\n" | awk "{s+=\$1} END {print s}")
	count=$(find "$dir/lib" -type f | wc -l)
	ship=$(median "$work/ship" publish --dry-run --output "$work/out.tar" "$dir")
	tarcz=$(median tar czf "$work/out.tgz" -C "$dir" lib)
	echo "$tree tree: $count files, $size bytes; median of $RUNS runs"
	echo "  ship publish --dry-run  ${ship} ms"
	echo "  tar czf                 ${tarcz} ms   ship is $(awk "BEGIN {printf \"%.2f\", $tarcz / $ship}")x the speed of tar czf"
	echo "  sizes: ship $(stat -c %s "$work/out.tar") bytes, tar czf $(stat -c %s "$work/out.tgz") bytes"
	if command -v pigz >/dev/null; then
		pigz=$(median tar -I pigz -cf "$work/out.tgz" -C "$dir" lib)
		echo "  tar | pigz              ${pigz} ms   ship is $(awk "BEGIN {printf \"%.2f\", $pigz / $ship}")x the speed of pigz"
	fi
done
