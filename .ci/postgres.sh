#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL cluster for the tests of
# registry/store/postgres (export its DSN as SHIPYARD_TEST_POSTGRES).
#
#   .ci/postgres.sh start DIR [PORT]   initialise DIR (if new), start the server
#                                      on 127.0.0.1:PORT (a free port between
#                                      15432 and 17531 when none is given) and
#                                      print its DSN on stdout
#   .ci/postgres.sh stop DIR           stop it, if it runs (DIR is left for the
#                                      caller to remove)
#
# The cluster trusts every local connection and listens on loopback only: it
# is for tests, never for data anyone keeps. Its Unix socket is in DIR, so
# it does not clash with a system server. initdb refuses to run as root, so
# as root the server runs as the postgres user (Debian's package creates
# it) and DIR is handed to that user. PGBIN overrides where the server's
# programs are (default: the newest /usr/lib/postgresql/*/bin).
#
# The database's default collation is ICU's en-US, which does not sort in
# byte order and folds case beyond ASCII: tests then show that the store
# does not lean on whatever collation a server happens to have.
set -euo pipefail

die() {
	echo "postgres.sh: $*" >&2
	exit 1
}

usage() {
	die "usage: $0 start DIR [PORT] | $0 stop DIR"
}

pgbin() {
	if [ -n "${PGBIN:-}" ]; then
		echo "$PGBIN"
		return
	fi
	local dir
	dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$dir" ] && [ -x "$dir/pg_ctl" ] ||
		die "no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql, or set PGBIN)"
	echo "$dir"
}

# as_owner runs a command line as the user who owns the cluster: postgres
# when we are root, ourselves otherwise.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		su postgres -s /bin/sh -c "$1"
	else
		sh -c "$1"
	fi
}

# port_in_use reports whether something accepts connections on the port.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port finds a port nothing listens on, from a random start so that
# jobs starting clusters at the same time seldom try the same one.
free_port() {
	local port i start=$((15432 + RANDOM % 2000))
	for i in $(seq 0 99); do
		port=$((start + i))
		if ! port_in_use "$port"; then
			echo "$port"
			return
		fi
	done
	die "no free port between $start and $((start + 99))"
}

start() {
	local dir=$1 port=${2:-}
	local bin
	bin=$(pgbin)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	case "$dir" in
	*[[:space:]\'\"\\\$\`]*) die "directory $dir: its name must not contain spaces, quotes, \\, \$ or \`" ;;
	esac
	if [ -z "$port" ]; then
		port=$(free_port)
	fi
	case "$port" in
	'' | *[!0-9]*) die "port $port is not a number" ;;
	esac
	if port_in_use "$port"; then
		die "port $port on 127.0.0.1 is already in use"
	fi

	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root needs the postgres user (apt-get install postgresql)"
		chown postgres "$dir"
		as_owner "test -w '$dir'" ||
			die "user postgres cannot write $dir (is a parent directory closed to it?)"
	fi

	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US >'$dir/initdb.log' 2>&1" || {
			cat "$dir/initdb.log" >&2
			die "initdb failed in $dir/data (log above)"
		}
	fi
	# max_connections: every parallel test holds its own connection pool.
	as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -t 60 \
		-o \"-h 127.0.0.1 -p $port -k '$dir' -c max_connections=300\" start >/dev/null" || {
		tail -n 20 "$dir/log" >&2 || true
		die "the server in $dir/data did not start (log above, all of it in $dir/log)"
	}
	echo "$port" >"$dir/port"
	echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
}

stop() {
	local dir=$1
	local bin
	bin=$(pgbin)
	[ -d "$dir/data" ] || die "no cluster in $dir"
	dir=$(cd "$dir" && pwd)
	if ! as_owner "'$bin/pg_ctl' -D '$dir/data' status >/dev/null 2>&1"; then
		return 0 # not running: nothing to stop
	fi
	as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" ||
		die "could not stop the server in $dir/data (log in $dir/log)"
}

case "${1:-}" in
start)
	[ $# -ge 2 ] && [ $# -le 3 ] || usage
	start "$2" "${3:-}"
	;;
stop)
	[ $# -eq 2 ] || usage
	stop "$2"
	;;
*) usage ;;
esac
