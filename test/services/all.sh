#!/usr/bin/env bash
# Every extra service the integration tests use, on top of the machine's
# PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306) primaries:
#
#   all.sh start    databases.sh and chromium.sh (the dashboard's browser tests), then in parallel:
#                   pg-replica.sh, mariadb-replica.sh, pgbouncer.sh and redis.sh start (Redis only when
#                   none answers on 6379), and the templates of the private servers the fault tests start
#                   themselves (private-pg.sh / private-mariadb.sh prepare)
#   all.sh stop     stop the replicas, PgBouncer, Redis if we started it, and any private server a test
#                   left running (the primaries keep running; chromium is only a package)
#   all.sh status   status of each; exit 0 only when all are healthy and chromium is installed
#   all.sh reset    stop them all and delete the replicas' data (the next start rebuilds them)
#
# See README.md in this directory.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

run() {
  local t0=$SECONDS
  echo "== $*"
  "$HERE/$1" "${@:2}" || { local rc=$?; echo "== $* FAILED (exit $rc)" >&2; return "$rc"; }
  [ $((SECONDS - t0)) -lt 2 ] || echo "   ($* took $((SECONDS - t0)) s)"
}

case "${1:-}" in
  start)
    started=$SECONDS
    run databases.sh
    # before the parallel group: apt-get runs in it too (pgbouncer) and two apt-get updates collide
    run chromium.sh start
    # These are independent: start them side by side, print each one's output in turn.
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    services=(pg-replica.sh mariadb-replica.sh pgbouncer.sh redis.sh private-pg.sh private-mariadb.sh)
    pids=()
    for s in "${services[@]}"; do
      case "$s" in private-*) verb=prepare ;; *) verb=start ;; esac
      run "$s" "$verb" >"$out/$s" 2>&1 &
      pids+=($!)
    done
    rc=0
    for i in "${!services[@]}"; do
      wait "${pids[$i]}" || rc=1
      cat "$out/${services[$i]}"
    done
    [ "$rc" = 0 ] || { echo "== all.sh start FAILED ($((SECONDS - started)) s): see the messages above" >&2; exit 1; }
    echo "== all services up ($((SECONDS - started)) s): PostgreSQL replica 127.0.0.1:5433, MariaDB replica 127.0.0.1:3307, PgBouncer 127.0.0.1:6432, Redis 127.0.0.1:6379"
    ;;
  stop)
    run private-pg.sh stop-all
    run private-mariadb.sh stop-all
    run redis.sh stop
    run pgbouncer.sh stop
    run mariadb-replica.sh stop
    run pg-replica.sh stop
    ;;
  status)
    rc=0
    for s in pg-replica.sh mariadb-replica.sh pgbouncer.sh redis.sh chromium.sh; do
      "$HERE/$s" status || rc=1
    done
    exit "$rc"
    ;;
  reset)
    run private-pg.sh stop-all
    run private-mariadb.sh stop-all
    run redis.sh stop
    run pgbouncer.sh stop
    run mariadb-replica.sh destroy
    run pg-replica.sh destroy
    ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
