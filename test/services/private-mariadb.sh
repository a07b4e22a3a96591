#!/usr/bin/env bash
# A private MariaDB server on its own port, for tests that stop, restart or
# kill a server (never the shared one on 3306).
#
#   private-mariadb.sh start PORT     start it (its data dir is copied from a prepared template the first time)
#   private-mariadb.sh stop PORT      orderly shutdown (open sessions are ended, the data is kept)
#   private-mariadb.sh restart PORT   stop, then start
#   private-mariadb.sh kill PORT      SIGKILL the server: a crash; the next start recovers
#   private-mariadb.sh status PORT    exit 0 running, 1 unhealthy, 3 stopped
#   private-mariadb.sh destroy PORT   stop it and delete its directory
#   private-mariadb.sh prepare        make the template only (all.sh start does, so that a test's first start is quick)
#   private-mariadb.sh stop-all       stop every private server this script started
#
# Each server listens on 127.0.0.1:PORT only, runs as the mysql OS user from
# /var/lib/sluice-private-mariadb/PORT (my.cnf, data/, error.log), with
# database `sluice` and user `sluice` / `sluice-secret` (PROCESS and
# CONNECTION ADMIN, to KILL sessions), `root` without a password. No binary log.
#
# It runs a private copy of the server binary (bin/mariadbd), like
# mariadb-replica.sh and for the same reason: the machine starts its primary
# with `start-stop-daemon --start --oknodo --exec /usr/sbin/mariadbd`, which
# would take any running /usr/sbin/mariadbd for the primary and not start it.
#
# Tuned to start quickly and to keep every acknowledged commit across a killed
# server: InnoDB writes its log at each commit (innodb_flush_log_at_trx_commit
# = 2) and flushes it to disk once a second (the OS never crashes under these
# tests, and its page cache survives a killed server).
set -euo pipefail
SCRIPT_NAME=private-mariadb.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd /

BASE=${SLUICE_PRIVATE_MARIADB_DIR:-/var/lib/sluice-private-mariadb}
BIN=$BASE/bin/mariadbd
TEMPLATE=$BASE/template
PASSWORD=sluice-secret

MYSQL=$(command -v mariadb || command -v mysql || true)
INSTALL_DB=$(command -v mariadb-install-db || command -v mysql_install_db || true)

sq() { "$MYSQL" --protocol=TCP -h 127.0.0.1 -P "$PORT" -uroot -NB "$@"; }
answers() { sq -e 'select 1' >/dev/null 2>&1; }
ours() { [ "$(sq -e 'select @@datadir' 2>/dev/null)" = "$DIR/data/" ]; }
server_pid() {
  local pid
  pid=$(cat "$DIR/mariadbd.pid" 2>/dev/null || true)
  pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--defaults-file=$DIR/my.cnf" && echo "$pid"
}

# my.cnf settings shared by the template and every server: INSTALL_DATADIR and the port differ.
server_settings() {
  cat <<EOF
user = mysql
basedir = /usr
bind-address = 127.0.0.1
skip-name-resolve
skip-log-bin
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
max_connections = 300
performance_schema = OFF
innodb_buffer_pool_size = 32M
innodb_log_file_size = 16M
innodb_doublewrite = 0
# the log is written at every commit (a killed server keeps it) and flushed once a second
innodb_flush_log_at_trx_commit = 2
EOF
}

install_binary() {
  install -d -m 755 "$BASE" "$BASE/bin"
  cmp -s /usr/sbin/mariadbd "$BIN" || install -m 755 /usr/sbin/mariadbd "$BIN"
}

make_template() {
  local version
  version=$(/usr/sbin/mariadbd --version 2>/dev/null || echo unknown)
  [ "$(cat "$TEMPLATE/.sluice-template" 2>/dev/null)" = "$version" ] && return 0
  need_root "creating $TEMPLATE"
  if [ -z "$MYSQL" ] || [ -z "$INSTALL_DB" ]; then ensure_packages mariadb-server mariadb-client; fi
  # two first starts on two ports at once: one makes the template, the other waits for it
  hold_lock 8 private-mariadb-template
  [ "$(cat "$TEMPLATE/.sluice-template" 2>/dev/null)" = "$version" ] && return 0
  say "preparing the template data dir $TEMPLATE (mariadb-install-db, once per machine and server version)"
  install_binary
  rm -rf "$TEMPLATE" "$TEMPLATE.tmp"
  install -d -o mysql -g mysql -m 750 "$TEMPLATE.tmp"
  { echo '[mysqld]'; server_settings; echo "datadir = $TEMPLATE.tmp"; } >"$BASE/template.cnf"
  cat >"$BASE/template.sql" <<SQL
-- bootstrap runs without grant tables: load them, so that accounts can be made
FLUSH PRIVILEGES;
CREATE DATABASE IF NOT EXISTS sluice;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'sluice'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
CREATE USER IF NOT EXISTS 'sluice'@'localhost' IDENTIFIED BY '$PASSWORD';
GRANT ALL PRIVILEGES ON sluice.* TO 'sluice'@'127.0.0.1';
GRANT ALL PRIVILEGES ON sluice.* TO 'sluice'@'localhost';
GRANT PROCESS, CONNECTION ADMIN ON *.* TO 'sluice'@'127.0.0.1';
SQL
  "$INSTALL_DB" --defaults-file="$BASE/template.cnf" --user=mysql --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --extra-file="$BASE/template.sql" >"$BASE/template.log" 2>&1 \
    || { tail -n 20 "$BASE/template.log" >&2; die "mariadb-install-db failed (see $BASE/template.log)"; }
  rm -f "$BASE/template.cnf" "$BASE/template.sql"
  echo "$version" >"$TEMPLATE.tmp/.sluice-template"
  mv "$TEMPLATE.tmp" "$TEMPLATE"
}

write_config() {
  install -d -o mysql -g mysql -m 750 "$DIR"
  {
    echo '# Written by test/services/private-mariadb.sh at every start: edit the script, not this file.'
    echo '[mysqld]'
    server_settings
    cat <<EOF
port = $PORT
datadir = $DIR/data
socket = $DIR/mariadbd.sock
pid-file = $DIR/mariadbd.pid
log-error = $DIR/error.log
EOF
  } >"$DIR/my.cnf"
  chmod 644 "$DIR/my.cnf"
}

cmd_start() {
  if answers; then
    ours || die "something else answers on 127.0.0.1:$PORT; choose another port"
    say "already running on 127.0.0.1:$PORT"
    return 0
  fi
  port_open "$PORT" && die "port 127.0.0.1:$PORT is taken by another program"
  make_template
  install_binary
  if [ ! -d "$DIR/data/mysql" ]; then
    rm -rf "$DIR/data"
    install -d -o mysql -g mysql -m 750 "$DIR"
    cp -a "$TEMPLATE" "$DIR/data"
    rm -f "$DIR/data/.sluice-template"
  fi
  write_config
  # its own session, so that the server outlives the test worker that started it
  setsid "$BIN" --defaults-file="$DIR/my.cnf" </dev/null >>"$DIR/console.log" 2>&1 8>&- 9>&- &
  local pid=$!
  local end=$((SECONDS + 60))
  until answers; do
    pid_alive "$pid" || { tail -n 20 "$DIR/error.log" >&2; die "the server exited during startup (see $DIR/error.log)"; }
    [ "$SECONDS" -lt "$end" ] || { tail -n 20 "$DIR/error.log" >&2; die "the server does not answer after 60 s"; }
    sleep 0.1
  done
  say "running on 127.0.0.1:$PORT (dir: $DIR)"
}

cmd_stop() {
  local pid
  pid=$(server_pid || true)
  if [ -z "$pid" ]; then say "already stopped"; return 0; fi
  kill -TERM "$pid"
  if ! wait_until 60 pid_gone "$pid"; then
    warn "the server (pid $pid) did not stop within 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 pid_gone "$pid" || true
  fi
  say "stopped"
}

cmd_kill() {
  local pid
  pid=$(server_pid || true)
  if [ -z "$pid" ]; then say "not running"; return 0; fi
  kill -KILL "$pid"
  wait_until 10 pid_gone "$pid" || die "mariadbd $pid survived SIGKILL"
  say "killed (pid $pid)"
}

cmd_status() {
  if answers; then
    if ours; then say "running on 127.0.0.1:$PORT (dir: $DIR)"; return 0; fi
    say "127.0.0.1:$PORT answers but it is not $DIR"
    return 1
  fi
  if [ -n "$(server_pid || true)" ]; then say "running but not answering on 127.0.0.1:$PORT"; return 1; fi
  say "stopped"
  return 3
}

cmd_destroy() {
  cmd_stop
  rm -rf "$DIR"
  say "destroyed: $DIR removed"
}

cmd_stop_all() {
  local dir
  for dir in "$BASE"/[0-9]*; do
    [ -f "$dir/my.cnf" ] || continue
    PORT=${dir##*/} DIR=$dir
    cmd_stop
  done
}

[ -n "$MYSQL" ] || [ "${1:-}" = prepare ] || die "the mariadb client is not installed (run: $0 prepare)"
verb=${1:-}
case "$verb" in
  start|stop|restart|kill|status|destroy)
    need_port "${2:-}"
    PORT=$2
    DIR=$BASE/$PORT
    [ "$verb" = status ] || take_lock "private-mariadb-$PORT"
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
