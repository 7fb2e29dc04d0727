#!/usr/bin/env bash
# Benchmark: shipyard's repository reads against nginx serving the same
# bytes as static files, measured with wrk in the same run. Prints requests
# per second for GET /repo/packages/NAME and GET /repo/tarballs/NAME-V.tar
# from each server and the ratio; figures go in the issue notes.
#
#   bash bench/registry.sh                       # 16 connections, 10 s a run
#   CONNS=32 DURATION=20s PACKAGES=64 bash bench/registry.sh
#
# What it does: builds shipyard and ship, starts `shipyard serve` on a fresh
# data directory, creates a user and key with `shipyard user add` / `key
# add`, publishes PACKAGES small packages with curl (tarballs built by `ship
# publish --dry-run`), downloads every package file and tarball into a
# directory that nginx then serves at the same paths, and runs wrk against
# each server in turn, cycling through the PACKAGES names.
#
# Both servers log every request to a file (shipyard always does), have the
# machine's cores (GOMAXPROCS and worker_processes auto) and share them
# with wrk, which runs on the same machine. Everything listens on 127.0.0.1
# only and stops when the script ends.
#
# Needs wrk, nginx and curl: as root with apt-get it installs the missing
# ones (wrk, nginx-light); otherwise it says what to install and stops.
# The Go benchmark BenchmarkServe in registry/server measures the same
# thing against http.FileServer without any of them.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${CONNS:-16}
DURATION=${DURATION:-10s}
PACKAGES=${PACKAGES:-32}
THREADS=${THREADS:-2}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing ${need[*]}" >&2
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	else
		echo "bench/registry.sh needs: ${need[*]} (e.g. apt-get install -y ${need[*]})" >&2
		exit 1
	fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/shipyard" ./cmd/shipyard
go build -o "$work/ship" ./cmd/ship

# free_port prints a loopback TCP port nothing listens on.
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
}

# wait_for URL waits up to 10 s for URL to answer.
wait_for() {
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no answer from $1" >&2
	return 1
}

# --- shipyard, seeded with PACKAGES packages ---
data="$work/data"
"$work/shipyard" user add bench --email bench@example.com --data "$data" >/dev/null 2>&1
key=$("$work/shipyard" key add bench bench --data "$data" 2>/dev/null)
ship_port=$(free_port)
"$work/shipyard" serve --addr "127.0.0.1:$ship_port" --data "$data" 2>"$work/shipyard.log" &
pids+=($!)
ship_url="http://127.0.0.1:$ship_port"
wait_for "$ship_url/repo/public_key"

static="$work/static"
mkdir -p "$static/repo/packages" "$static/repo/tarballs"
paths_pkg=()
paths_tar=()
for i in $(seq -w 1 "$PACKAGES"); do
	name="bench$i"
	dir="$work/src/$name"
	mkdir -p "$dir/src"
	cat >"$dir/ship.toml" <<-EOF
		name = "$name"
		version = "1.0.0"
		description = "A package published by bench/registry.sh."
		licenses = ["Apache-2.0"]
	EOF
	echo '{erl_opts, [debug_info]}.' >"$dir/rebar.config"
	printf -- '-module(%s).\n-export([hello/0]).\nhello() -> world.\n' "$name" >"$dir/src/$name.erl"
	"$work/ship" publish --dry-run --output "$work/$name.tar" "$dir" >/dev/null
	status=$(curl -sS -o "$work/answer" -w '%{http_code}' -X POST \
		-H "Authorization: $key" -H "Content-Type: application/octet-stream" \
		--data-binary "@$work/$name.tar" "$ship_url/api/packages/$name/releases?replace=false")
	if [ "$status" != 201 ]; then
		echo "publishing $name: status $status: $(cat "$work/answer")" >&2
		exit 1
	fi
	pkg="/repo/packages/$name"
	tar="/repo/tarballs/$name-1.0.0.tar"
	curl -fsS -o "$static$pkg" "$ship_url$pkg"
	curl -fsS -o "$static$tar" "$ship_url$tar"
	cmp -s "$static$tar" "$work/$name.tar" || { echo "$tar: served bytes differ from the upload" >&2; exit 1; }
	paths_pkg+=("$pkg")
	paths_tar+=("$tar")
done

# --- nginx on the same files ---
# Its workers run as an unprivileged user: let them reach the files.
chmod 711 "$work"
chmod -R a+rX "$static"
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log $work/nginx/access.log;
	client_body_temp_path $work/nginx/body;
	proxy_temp_path $work/nginx/proxy;
	fastcgi_temp_path $work/nginx/fastcgi;
	uwsgi_temp_path $work/nginx/uwsgi;
	scgi_temp_path $work/nginx/scgi;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:$nginx_port;
		root $static;
	}
}
EOF
"$NGINX" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
nginx_url="http://127.0.0.1:$nginx_port"
wait_for "$nginx_url${paths_pkg[0]}" || { cat "$work/nginx/error.log" >&2; exit 1; }

# rps URL PATHS... runs wrk against URL cycling through PATHS and prints
# its requests per second; any answer but a 2xx or 3xx (there are no 3xx
# here) or a socket error fails the run.
rps() {
	local url=$1
	shift
	local lua="$work/paths.lua"
	{
		echo "local paths = {"
		printf '  "%s",\n' "$@"
		echo "}"
		cat <<-'EOF'
			local i = 0
			request = function()
			  i = i % #paths + 1
			  return wrk.format("GET", paths[i])
			end
			done = function(summary, latency, requests)
			  io.write(string.format("non200 %d\n", summary.errors.status))
			end
		EOF
	} >"$lua"
	local out
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$lua" "$url")
	if ! grep -q '^non200 0$' <<<"$out" || grep -q 'Socket errors' <<<"$out"; then
		echo "wrk against $url saw errors:" >&2
		echo "$out" >&2
		exit 1
	fi
	awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

echo "wrk -t$THREADS -c$CONNS -d$DURATION, $PACKAGES packages, on $(nproc) cores"
printf '%-34s %14s %14s %9s\n' "path" "shipyard req/s" "nginx req/s" "ratio"
for kind in packages tarballs; do
	if [ "$kind" = packages ]; then paths=("${paths_pkg[@]}"); else paths=("${paths_tar[@]}"); fi
	# Warm both (connections, page cache, SQLite's cache) before measuring.
	DURATION=2s rps "$ship_url" "${paths[@]}" >/dev/null
	DURATION=2s rps "$nginx_url" "${paths[@]}" >/dev/null
	ship=$(rps "$ship_url" "${paths[@]}")
	nginx=$(rps "$nginx_url" "${paths[@]}")
	printf '%-34s %14.0f %14.0f %9.2f\n' "GET /repo/$kind/..." "$ship" "$nginx" \
		"$(awk "BEGIN {print $ship / $nginx}")"
done
echo "ratio: shipyard's requests per second over nginx's (1 = as fast as nginx)"
