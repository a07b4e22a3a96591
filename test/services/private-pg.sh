#!/usr/bin/env bash
# A private PostgreSQL server on its own port, for tests that stop, restart or
# kill a server (never the shared one on 5432).
#
#   private-pg.sh start PORT     start it (its data dir is copied from a prepared template the first time)
#   private-pg.sh stop PORT      fast shutdown (open sessions are ended, the data is kept)
#   private-pg.sh restart PORT   stop, then start
#   private-pg.sh kill PORT      SIGKILL the postmaster and every backend: a crash; the next start recovers
#   private-pg.sh status PORT    exit 0 running, 1 unhealthy, 3 stopped
#   private-pg.sh destroy PORT   stop it and delete its data dir
#   private-pg.sh prepare        make the template only (all.sh start does, so that a test's first start is quick)
#   private-pg.sh stop-all       stop every private server this script started
#
# Each server listens on 127.0.0.1:PORT only, runs as the postgres OS user from
# /var/lib/postgresql/sluice-private/PORT (log: PORT.log beside it), with
# database `sluice` owned by user `sluice` / `sluice-secret`. Authentication:
# `postgres` is trusted on loopback (the scripts and tests administer with it);
# every other user must give its password (scram-sha-256), so that a test can
# tell a wrong password from a right one, which the trust-only shared server cannot.
#
# Tuned to start quickly and to keep every acknowledged commit across a killed
# server: synchronous_commit stays on (a commit is acknowledged after its WAL
# is written), fsync is off (the OS never crashes under these tests, and its
# page cache survives a killed server).
set -euo pipefail
SCRIPT_NAME=private-pg.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd /   # the postgres user may not be allowed into the caller's directory

BASE=${SLUICE_PRIVATE_PG_DIR:-/var/lib/postgresql/sluice-private}
PASSWORD=sluice-secret

pg_major() {
  find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1
}

MAJOR=$(pg_major)
BIN=/usr/lib/postgresql/$MAJOR/bin
TEMPLATE=$BASE/template-$MAJOR

# as the postgres superuser, over TCP (trusted on loopback)
sq() { "$PSQL" -X -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
answers() { sq -c 'select 1' >/dev/null 2>&1; }
ours() { [ "$(sq -c 'show data_directory' 2>/dev/null)" = "$DATA" ]; }
# session_gone SID: no live (non-zombie) process is left in session SID
session_gone() { [ -z "$(ps -o stat= -s "$1" 2>/dev/null | grep -v '^Z')" ]; }
postmaster_pid() { head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true; }

make_template() {
  [ -f "$TEMPLATE/.sluice-template" ] && return 0
  need_root "creating $TEMPLATE"
  # two first starts on two ports at once: one makes the template, the other waits for it
  hold_lock 8 private-pg-template
  [ -f "$TEMPLATE/.sluice-template" ] && return 0
  [ -x "$BIN/initdb" ] || ensure_packages "postgresql-$MAJOR"
  say "preparing the template data dir $TEMPLATE (initdb, once per machine)"
  install -d -o postgres -g postgres -m 755 "$BASE"
  rm -rf "$TEMPLATE.tmp"
  as_user postgres "$BIN/initdb" -D "$TEMPLATE.tmp" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$BASE/template.log" 2>&1 \
    || die "initdb failed (see $BASE/template.log)"
  # single-user mode: no port, no socket, nothing to wait for
  as_user postgres "$BIN/postgres" --single -D "$TEMPLATE.tmp" -c fsync=off postgres >>"$BASE/template.log" 2>&1 <<SQL || die "creating the sluice role and database failed (see $BASE/template.log)"
CREATE ROLE sluice LOGIN PASSWORD '$PASSWORD'
CREATE DATABASE sluice OWNER sluice
SQL
  as_user postgres "$BIN/postgres" --single -D "$TEMPLATE.tmp" -c fsync=off sluice >>"$BASE/template.log" 2>&1 <<'SQL' || die "granting on schema public failed (see $BASE/template.log)"
GRANT ALL ON SCHEMA public TO sluice
SQL
  touch "$TEMPLATE.tmp/.sluice-template"
  mv "$TEMPLATE.tmp" "$TEMPLATE"
}

write_config() {
  cat >"$DATA/postgresql.conf" <<EOF
# Written by test/services/private-pg.sh at every start: edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA'
cluster_name = 'sluice-private-$PORT'
max_connections = 100
shared_buffers = 32MB
dynamic_shared_memory_type = posix
# a commit is acknowledged once its WAL is written: a killed server keeps it
synchronous_commit = on
# the OS page cache outlives a killed server, and the OS never crashes here
fsync = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
password_encryption = scram-sha-256
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  cat >"$DATA/pg_hba.conf" <<'EOF'
# Written by test/services/private-pg.sh: postgres is trusted, everybody else gives a password.
local   all             postgres                                trust
host    all             postgres        127.0.0.1/32            trust
local   all             all                                     scram-sha-256
host    all             all             127.0.0.1/32            scram-sha-256
EOF
  chown postgres:postgres "$DATA/postgresql.conf" "$DATA/pg_hba.conf"
}

cmd_start() {
  if answers; then
    ours || die "something else answers on 127.0.0.1:$PORT; choose another port"
    say "already running on 127.0.0.1:$PORT"
    return 0
  fi
  port_open "$PORT" && die "port 127.0.0.1:$PORT is taken by another program"
  make_template
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    cp -a "$TEMPLATE" "$DATA"
    rm -f "$DATA/.sluice-template"
  fi
  # A killed server leaves its lock files behind; the killed postmaster may
  # linger as a zombie (PID 1 here does not always reap it), which PostgreSQL
  # takes for a live server and refuses to start: remove both lock files.
  if ! pid_alive "$(postmaster_pid)"; then
    rm -f "$DATA/postmaster.pid" "$DATA/.s.PGSQL.$PORT.lock" "$DATA/.s.PGSQL.$PORT"
  fi
  write_config
  touch "$LOG" && chown postgres:postgres "$LOG"
  # its own session, so that the server outlives the test worker that started it
  as_user postgres setsid -w "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -s start 8>&- 9>&- \
    || { tail -n 20 "$LOG" >&2; die "the server did not start (see $LOG)"; }
  wait_until 30 answers || die "the server started but does not answer on 127.0.0.1:$PORT (see $LOG)"
  say "running on 127.0.0.1:$PORT (data: $DATA)"
}

cmd_stop() {
  # pid_alive first: pg_ctl takes a killed, not yet reaped postmaster for a live one
  if pid_alive "$(postmaster_pid)" && as_user postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_user postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 -s stop
    say "stopped"
  else
    say "already stopped"
  fi
}

cmd_kill() {
  local pid sid survivors
  pid=$(postmaster_pid)
  if ! pid_alive "$pid" || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != postgres ]; then
    say "not running"
    return 0
  fi
  # The backends too: a postmaster killed alone leaves them serving their
  # sessions. Freeze the postmaster first so that it forks no new backend
  # between the listing and the kill, then kill its whole session (it was
  # started with setsid, so the session is the server and nothing else).
  sid=$(ps -o sid= -p "$pid" | tr -d ' ')
  kill -STOP "$pid" 2>/dev/null || true
  if [ -n "$sid" ] && [ "$sid" != 0 ] && [ "$sid" != "$$" ]; then
    pkill -KILL -s "$sid" 2>/dev/null || true
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait_until 10 pid_gone "$pid" || die "postmaster $pid survived SIGKILL"
  [ -z "$sid" ] || wait_until 10 session_gone "$sid" || true
  wait_until 10 port_closed "$PORT" || true
  say "killed (postmaster $pid and its session $sid)"
}

cmd_status() {
  if answers; then
    if ours; then say "running on 127.0.0.1:$PORT (data: $DATA)"; return 0; fi
    say "127.0.0.1:$PORT answers but it is not $DATA"
    return 1
  fi
  if pid_alive "$(postmaster_pid)"; then say "running but not answering on 127.0.0.1:$PORT"; return 1; fi
  say "stopped"
  return 3
}

cmd_destroy() {
  cmd_stop
  rm -rf "$DATA" "$LOG"
  say "destroyed: $DATA removed"
}

cmd_stop_all() {
  local dir
  for dir in "$BASE"/[0-9]*; do
    [ -f "$dir/PG_VERSION" ] || continue
    PORT=${dir##*/} DATA=$dir
    cmd_stop
  done
}

verb=${1:-}
case "$verb" in
  start|stop|restart|kill|status|destroy)
    need_port "${2:-}"
    PORT=$2
    DATA=$BASE/$PORT
    LOG=$BASE/$PORT.log
    [ "$verb" = status ] || take_lock "private-pg-$PORT"
    ;;
  prepare|stop-all) ;;
  *) echo "usage: $0 start|stop|restart|kill|status|destroy PORT, or $0 prepare|stop-all" >&2; exit 2 ;;
esac
case "$verb" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  kill) cmd_kill ;;
  status) cmd_status ;;
  destroy) cmd_destroy ;;
  prepare) make_template; say "template ready: $TEMPLATE" ;;
  stop-all) cmd_stop_all ;;
esac
