#!/usr/bin/env bash
# PgBouncer in transaction pooling mode in front of the local PostgreSQL primary.
#
#   pgbouncer.sh start    install Debian's pgbouncer if missing, write its config, start it
#   pgbouncer.sh stop     stop it
#   pgbouncer.sh status   print its state and version; exit 0 running, 3 stopped
#
# Listens on 127.0.0.1:6432 only, pool_mode = transaction, auth_type = trust
# (any password is accepted for the users in the auth file: sluice, postgres).
# Databases:
#   sluice          -> 127.0.0.1:5432/sluice   (the primary)
#   sluice_replica  -> 127.0.0.1:5433/sluice   (the streaming replica of pg-replica.sh)
#   postgres        -> 127.0.0.1:5432/postgres
#   pgbouncer       the admin console (SHOW POOLS, ...), for user postgres (admin) and sluice (stats)
# It does not use Debian's service or /etc/pgbouncer: config, pid, log and
# socket live in /var/lib/sluice-pgbouncer, and it runs as the postgres user.
#
# Debian 12 ships PgBouncer 1.18: it has no max_prepared_statements (1.21+), so
# named protocol-level prepared statements do NOT survive across transactions
# in transaction mode (the next transaction may land on another server
# connection: "prepared statement ... does not exist").
set -euo pipefail
SCRIPT_NAME=pgbouncer.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd /

PORT=${SLUICE_PGBOUNCER_PORT:-6432}
PG_PORT=${SLUICE_PG_PORT:-5432}
PG_REPLICA_PORT=${SLUICE_PG_REPLICA_PORT:-5433}
DIR=${SLUICE_PGBOUNCER_DIR:-/var/lib/sluice-pgbouncer}
INI=$DIR/pgbouncer.ini
PIDFILE=$DIR/pgbouncer.pid
LOGFILE=$DIR/pgbouncer.log

our_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  pid_alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = pgbouncer ] && echo "$pid"
}

answers() { "$PSQL" -X -h 127.0.0.1 -p "$PORT" -U sluice -d sluice -Atqc 'select 1' >/dev/null 2>&1; }

version() { pgbouncer --version 2>/dev/null | head -n 1; }

write_config() {
  install -d -o postgres -g postgres -m 750 "$DIR"
  local changed=''
  write_if_changed "$DIR/userlist.txt" <<'EOF' && changed=1
"sluice" ""
"postgres" ""
EOF
  write_if_changed "$INI" <<EOF && changed=1
; Written by test/services/pgbouncer.sh: edit the script, not this file.
[databases]
sluice = host=127.0.0.1 port=$PG_PORT dbname=sluice
sluice_replica = host=127.0.0.1 port=$PG_REPLICA_PORT dbname=sluice
postgres = host=127.0.0.1 port=$PG_PORT dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir = $DIR
pidfile = $PIDFILE
logfile = $LOGFILE
auth_type = trust
auth_file = $DIR/userlist.txt
admin_users = postgres
stats_users = sluice
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
EOF
  chown postgres:postgres "$INI" "$DIR/userlist.txt"
  chmod 640 "$INI" "$DIR/userlist.txt"
  [ -n "$changed" ]
}

cmd_start() {
  ensure_packages pgbouncer
  local changed='' pid
  write_config && changed=1
  pid=$(our_pid || true)
  if [ -n "$pid" ]; then
    if [ -n "$changed" ]; then
      say "configuration changed; reloading (SIGHUP)"
      kill -HUP "$pid"
    fi
    say "already running on 127.0.0.1:$PORT (pid $pid, $(version))"
    return 0
  fi
  if port_open "$PORT"; then
    # Debian's own service (if its package scripts started it) uses the same port.
    local deb_pid
    deb_pid=$(cat /run/postgresql/pgbouncer.pid 2>/dev/null || true)
    if pid_alive "$deb_pid" && [ "$(cat "/proc/$deb_pid/comm" 2>/dev/null)" = pgbouncer ]; then
      warn "stopping Debian's pgbouncer service (pid $deb_pid), which holds port $PORT"
      kill -TERM "$deb_pid"
      wait_until 10 pid_gone "$deb_pid" || die "Debian's pgbouncer (pid $deb_pid) does not stop"
    else
      die "port 127.0.0.1:$PORT is taken by another program; free it"
    fi
  fi
  "$PSQL" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1 \
    || warn "the PostgreSQL primary does not answer on 127.0.0.1:$PG_PORT; PgBouncer will start but cannot serve"
  say "starting $(version) on 127.0.0.1:$PORT (config: $INI, log: $LOGFILE)"
  as_user postgres pgbouncer -d -q "$INI" 9>&- || { tail -n 20 "$LOGFILE" >&2 || true; die "pgbouncer did not start"; }
  wait_until 15 answers || { tail -n 20 "$LOGFILE" >&2 || true; die "pgbouncer does not answer on 127.0.0.1:$PORT (see $LOGFILE)"; }
  say "running on 127.0.0.1:$PORT (pid $(our_pid || echo '?')), pool_mode=transaction"
}

cmd_stop() {
  local pid
  pid=$(our_pid || true)
  if [ -z "$pid" ]; then say "already stopped"; return 0; fi
  say "stopping pgbouncer (pid $pid)"
  kill -TERM "$pid"   # immediate shutdown (SIGINT would wait for open transactions)
  wait_until 15 pid_gone "$pid" || { kill -KILL "$pid" 2>/dev/null || true; }
  say "stopped"
}

cmd_status() {
  local pid
  pid=$(our_pid || true)
  if [ -z "$pid" ]; then say "stopped ($(version || echo 'not installed'))"; return 3; fi
  if answers; then
    say "running on 127.0.0.1:$PORT (pid $pid, $(version)), pool_mode=transaction, sluice -> 127.0.0.1:$PG_PORT/sluice"
  else
    say "running (pid $pid, $(version)) but 'select 1' through 127.0.0.1:$PORT/sluice fails (is the primary up?)"
    return 1
  fi
}

case "${1:-}" in
  start|stop) take_lock pgbouncer ;;
esac
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
