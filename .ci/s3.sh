#!/usr/bin/env bash
# Starts and stops a local S3-compatible server (versitygw on a directory)
# for the tests of registry/blob/s3.
#
#   eval "$(bash .ci/s3.sh start DIR PORT)"   # prints the variables to export
#   bash .ci/s3.sh stop DIR
#
# start installs versitygw with `go install` when it is missing (into a
# cache directory, once per version), runs it in the background on
# 127.0.0.1:PORT with its files, log and PID under DIR, waits until it
# answers signed requests, and creates a bucket. Keys are random for each
# start: the server is throwaway and only reachable from this machine.
# Messages go to stderr; stdout carries only the export lines.
set -euo pipefail

VERSITYGW_VERSION=v1.8.0
BUCKET=shipyard-test
REGION=us-east-1
# SHA-256 of the empty body, which versitygw wants stated on signed requests.
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

usage() {
	echo "usage: $0 start DIR PORT | stop DIR" >&2
	exit 2
}

log() { echo "s3.sh: $*" >&2; }

# install_versitygw prints the path of the binary, building it if needed.
install_versitygw() {
	local cache="${SHIPYARD_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shipyard-ci}"
	local bin="$cache/versitygw-$VERSITYGW_VERSION"
	if [ ! -x "$bin/versitygw" ]; then
		log "installing versitygw $VERSITYGW_VERSION into $bin (about a minute)"
		mkdir -p "$bin"
		# Outside the repository, so that its go.mod plays no part.
		(cd / && GOBIN="$bin" GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION") >&2
	fi
	echo "$bin/versitygw"
}

random_hex() {
	od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# signed_curl sends a request signed with the root keys.
signed_curl() {
	curl -sS --max-time 10 --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
		-H "x-amz-content-sha256: $EMPTY_SHA256" "$@"
}

start() {
	local dir="$1" port="$2"
	case "$port" in '' | *[!0-9]*) usage ;; esac
	mkdir -p "$dir"
	dir="$(cd "$dir" && pwd)"
	if [ -f "$dir/versitygw.pid" ] && kill -0 "$(cat "$dir/versitygw.pid")" 2>/dev/null; then
		log "a server started from $dir is still running (PID $(cat "$dir/versitygw.pid")); run: $0 stop $dir"
		exit 1
	fi
	local gw
	gw="$(install_versitygw)"
	ACCESS_KEY="shipyard$(random_hex 6)"
	SECRET_KEY="$(random_hex 20)"
	mkdir -p "$dir/data"
	ROOT_ACCESS_KEY="$ACCESS_KEY" ROOT_SECRET_KEY="$SECRET_KEY" \
		"$gw" --port "127.0.0.1:$port" posix "$dir/data" >"$dir/versitygw.log" 2>&1 </dev/null &
	local pid=$!
	echo "$pid" >"$dir/versitygw.pid"

	local endpoint="http://127.0.0.1:$port"
	local code=""
	for _ in $(seq 1 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "versitygw exited at start; its log ($dir/versitygw.log):"
			cat "$dir/versitygw.log" >&2
			rm -f "$dir/versitygw.pid"
			exit 1
		fi
		code="$(signed_curl -o /dev/null -w '%{http_code}' "$endpoint/" 2>/dev/null || true)"
		[ "$code" = 200 ] && break
		sleep 0.2
	done
	if [ "$code" != 200 ]; then
		log "versitygw on $endpoint did not answer a signed request (last status: ${code:-none}); its log ($dir/versitygw.log):"
		cat "$dir/versitygw.log" >&2
		stop "$dir"
		exit 1
	fi
	code="$(signed_curl -o "$dir/create-bucket.out" -w '%{http_code}' -X PUT "$endpoint/$BUCKET" || true)"
	if [ "$code" != 200 ]; then
		log "creating bucket $BUCKET on $endpoint: status ${code:-none}"
		cat "$dir/create-bucket.out" >&2 || true
		stop "$dir"
		exit 1
	fi
	log "versitygw (PID $pid) serves bucket $BUCKET on $endpoint from $dir/data"
	cat <<EOF
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_REGION=$REGION
export AWS_EC2_METADATA_DISABLED=true
export SHIPYARD_TEST_S3='s3://$BUCKET?endpoint=$endpoint&region=$REGION'
EOF
}

stop() {
	local dir="$1"
	local pidfile="$dir/versitygw.pid"
	[ -f "$pidfile" ] || return 0
	local pid
	pid="$(cat "$pidfile")"
	if kill "$pid" 2>/dev/null; then
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "versitygw (PID $pid) did not stop in 5s; killing it"
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$pidfile"
}

case "${1:-}" in
start)
	[ $# -eq 3 ] || usage
	start "$2" "$3"
	;;
stop)
	[ $# -eq 2 ] || usage
	stop "$2"
	;;
*) usage ;;
esac
