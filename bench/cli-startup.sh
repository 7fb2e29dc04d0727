#!/usr/bin/env bash
# Benchmark: how long a person waits for `ship --help` and `ship auth
# status` (a stored login in the token file: read, no network), against
# `tar --version` as the floor of starting any process, in the same run.
# Prints the median of RUNS wall times of each and the ratios.
#
#   bash bench/cli-startup.sh
#   RUNS=201 bash bench/cli-startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-101}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/ship" ./cmd/ship

# A stored login for an unreachable registry: status reads it and prints;
# nothing is sent anywhere.
export SHIP_CONFIG_DIR=$work/config SHIP_TOKEN_STORE=file SHIP_REGISTRY=http://127.0.0.1:9
mkdir -m 700 "$SHIP_CONFIG_DIR"
creds='{"access_token":"shya_bench","refresh_token":"shyr_bench","expires_at":"2099-01-01T00:00:00Z","issued_at":"2098-12-31T23:30:00Z","scopes":["api:read"],"username":"bench"}'
printf '{"http://127.0.0.1:9/api":"%s"}\n' "$(printf %s "$creds" | base64 -w0)" >"$SHIP_CONFIG_DIR/tokens.json"
chmod 600 "$SHIP_CONFIG_DIR/tokens.json"
"$work/ship" auth status | grep -q 'User: *bench' || { echo "ship auth status did not read the stored login" >&2; exit 1; }

# median prints the median wall time in milliseconds of RUNS runs of "$@".
median() {
	local times=()
	for _ in $(seq "$RUNS"); do
		local start end
		start=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		end=$(date +%s%N)
		times+=($(((end - start) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

floor=$(median tar --version)
help=$(median "$work/ship" --help)
status=$(median "$work/ship" auth status)
printf '%-20s %8s ms\n' "tar --version" "$floor"
printf '%-20s %8s ms  (%.1fx tar)\n' "ship --help" "$help" "$(echo "$help / $floor" | bc -l)"
printf '%-20s %8s ms  (%.1fx tar)\n' "ship auth status" "$status" "$(echo "$status / $floor" | bc -l)"
