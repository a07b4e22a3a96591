#!/usr/bin/env bash
# MariaDB GTID replica of the local primary, for the integration tests.
#
#   mariadb-replica.sh start    set up if needed, start, wait until caught up
#   mariadb-replica.sh stop     stop it (its data is kept; it resumes where it was)
#   mariadb-replica.sh status   print its state; exit 0 healthy, 1 unhealthy, 3 stopped
#   mariadb-replica.sh pause    STOP SLAVE SQL_THREAD   (events still arrive, none applied: lag)
#   mariadb-replica.sh resume   START SLAVE SQL_THREAD
#   mariadb-replica.sh destroy  stop it and delete everything under its directory
#
# A second mariadbd on 127.0.0.1:3307 with its own datadir, socket, pid and
# logs under /var/lib/sluice-mariadb-replica, read_only = ON (root and the
# replication thread may still write). Users are those of the primary (root
# without password; sluice / sluice-secret), plus SLAVE MONITOR for sluice on
# the replica so the tests can read SHOW SLAVE STATUS.
#
# How it is seeded (the reliable way for a live primary): a fresh datadir is
# made with mariadb-install-db, then ONE consistent mariadb-dump of the primary
# (--single-transaction --master-data=2 --gtid: a brief global read lock pins
# the snapshot and records the binlog GTID position of exactly that snapshot)
# with every user database plus the accounts (--system=users) is loaded into it.
# The replica then starts replicating at that GTID (SET GLOBAL gtid_slave_pos,
# CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos), so nothing is applied twice
# or missed, and everything is replicated (no filters), accounts included.
#
# The replica runs a private copy of /usr/sbin/mariadbd: the machine starts its
# primary with `start-stop-daemon --start --oknodo --exec /usr/sbin/mariadbd`,
# which would see a replica running the same binary as "already running" and
# silently not start the primary.
#
# The primary needs a binary log (log_bin) and a server_id. When it has no
# binary log, this script writes /etc/mysql/mariadb.conf.d/60-sluice-replication.cnf,
# makes /etc/mysql/my.cnf include that directory, and RESTARTS the primary
# (mariadb-admin shutdown, then the machine's start-stop-daemon line) - loudly.
# It also creates the replication account sluice_repl@127.0.0.1 on the primary.
set -euo pipefail
SCRIPT_NAME=mariadb-replica.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd /

PRIMARY_PORT=${SLUICE_MYSQL_PORT:-3306}
REPLICA_PORT=${SLUICE_MYSQL_REPLICA_PORT:-3307}
BASE=${SLUICE_MYSQL_REPLICA_DIR:-/var/lib/sluice-mariadb-replica}
DATA=$BASE/data
CNF=$BASE/my.cnf
PIDFILE=$BASE/mariadbd.pid
ERRLOG=$BASE/error.log
BIN=$BASE/bin/mariadbd
SEEDED=$BASE/seeded
REPL_USER=sluice_repl
REPL_PASSWORD=sluice-repl-secret
PRIMARY_SNIPPET=/etc/mysql/mariadb.conf.d/60-sluice-replication.cnf
PRIMARY_MYCNF=/etc/mysql/my.cnf

MYSQL=$(command -v mariadb || command -v mysql || true)
[ -n "$MYSQL" ] || die "the mariadb client is not installed"
DUMP=$(command -v mariadb-dump || command -v mysqldump || true)
ADMIN=$(command -v mariadb-admin || command -v mysqladmin || true)
INSTALL_DB=$(command -v mariadb-install-db || command -v mysql_install_db || true)

pm() { "$MYSQL" --protocol=TCP -h 127.0.0.1 -P "$PRIMARY_PORT" -uroot -NB "$@"; }
rm_() { "$MYSQL" --protocol=TCP -h 127.0.0.1 -P "$REPLICA_PORT" -uroot -NB "$@"; }

primary_up() { pm -e 'select 1' >/dev/null 2>&1; }
replica_up() { rm_ -e 'select 1' >/dev/null 2>&1; }
replica_ours() { [ "$(rm_ -e 'select @@datadir' 2>/dev/null)" = "$DATA/" ]; }

# slave_field NAME: one field of SHOW SLAVE STATUS on the replica (empty when none).
SLAVE_STATUS=''
read_slave_status() { SLAVE_STATUS=$(rm_ --column-names -e 'SHOW SLAVE STATUS\G' 2>/dev/null || true); }
slave_field() {
  awk -v k="$1" '{ line = $0; sub(/^ +/, "", line); n = index(line, ": ")
    if (n && substr(line, 1, n - 1) == k) { print substr(line, n + 2); exit } }' <<<"$SLAVE_STATUS"
}

# 0: replicating (the SQL thread may be paused); 1: not (yet); 2: broken (an error is reported).
replication_state() {
  read_slave_status
  [ -n "$SLAVE_STATUS" ] || return 1
  if [ "$(slave_field Last_IO_Errno)" != 0 ] || [ "$(slave_field Last_SQL_Errno)" != 0 ]; then return 2; fi
  [ "$(slave_field Slave_IO_Running)" = Yes ] || return 1
  return 0
}
replicating() { replication_state; }
slave_error() {
  echo "IO: $(slave_field Last_IO_Errno) $(slave_field Last_IO_Error); SQL: $(slave_field Last_SQL_Errno) $(slave_field Last_SQL_Error)"
}

# Gone means: its pid, and every other mariadbd/mysqld of the primary, exited (a
# pid file left from an earlier boot can name a dead pid while the server is
# still finishing its shutdown), and its port closed.
primary_gone() {
  ! pid_alive "$1" && ! port_open "$PRIMARY_PORT" || return 1
  local other
  for other in $(pgrep -x mariadbd; pgrep -x mysqld); do
    # the test replica and the private servers run with a --defaults-file of their own
    if pid_alive "$other" && ! tr '\0' ' ' <"/proc/$other/cmdline" 2>/dev/null | grep -qF -- --defaults-file; then return 1; fi
  done
}

restart_primary() {
  local pidfile pid
  pidfile=$(pm -e 'select @@pid_file')
  pid=$(cat "$pidfile" 2>/dev/null || true)
  # a server started without a pid file (as on a fresh machine): the oldest mariadbd
  [ -n "$pid" ] || pid=$(pgrep -o -x mariadbd || pgrep -o -x mysqld || true)
  say "shutting the primary down (mariadb-admin shutdown)"
  "$ADMIN" --protocol=TCP -h 127.0.0.1 -P "$PRIMARY_PORT" -uroot shutdown
  wait_until 120 primary_gone "$pid" || die "the primary MariaDB did not shut down within 120 s"
  say "starting the primary: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 9>&-
  # start-stop-daemon can still see the old server in its last moments ("already
  # running") and then start nothing: start it again while nothing serves the port
  # and no primary process is left.
  local tries=0
  until wait_until 5 primary_up; do
    tries=$((tries + 1))
    [ "$tries" -lt 24 ] || break
    if primary_gone ""; then
      say "the primary is not running yet: starting it again"
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 9>&-
    fi
  done
  primary_up || die "the primary MariaDB did not come back on 127.0.0.1:$PRIMARY_PORT (see /var/log/mysql/error.log)"
  say "the primary is back on 127.0.0.1:$PRIMARY_PORT"
}

ensure_primary_binlog() {
  local log_bin server_id
  read -r log_bin server_id <<<"$(pm -e 'select @@log_bin, @@server_id')"
  if [ "$log_bin" = 1 ] && [ "$server_id" != 0 ]; then return 0; fi
  need_root "enabling the binary log of the primary MariaDB"
  [ "$server_id" != 0 ] || server_id=1
  loud "CHANGING THE PRIMARY MariaDB: it has no binary log (log_bin=$log_bin, server_id=$server_id), which replication needs.
  Writing $PRIMARY_SNIPPET (log_bin, server_id=$server_id), including /etc/mysql/mariadb.conf.d/ from $PRIMARY_MYCNF,
  and RESTARTING the primary on 127.0.0.1:$PRIMARY_PORT (open connections to it will break)."
  mkdir -p "$(dirname "$PRIMARY_SNIPPET")"
  cat >"$PRIMARY_SNIPPET" <<EOF
# Written by sluice test/services/mariadb-replica.sh: the binary log and server id
# that the test replica on 127.0.0.1:$REPLICA_PORT replicates from (with GTIDs).
[mysqld]
server_id = $server_id
log_bin = mariadb-bin
binlog_expire_logs_seconds = 259200
EOF
  if ! grep -qsE '^[[:space:]]*!includedir[[:space:]]+/etc/mysql/mariadb\.conf\.d/?[[:space:]]*$' "$PRIMARY_MYCNF"; then
    printf '\n# added by sluice test/services/mariadb-replica.sh\n!includedir /etc/mysql/mariadb.conf.d/\n' >>"$PRIMARY_MYCNF"
  fi
  mariadbd --print-defaults 2>/dev/null | grep -q -- '--log_bin=mariadb-bin\|--log-bin=mariadb-bin' \
    || die "mariadbd does not pick up $PRIMARY_SNIPPET (check $PRIMARY_MYCNF and /etc/my.cnf); nothing restarted"
  restart_primary
  read -r log_bin server_id <<<"$(pm -e 'select @@log_bin, @@server_id')"
  [ "$log_bin" = 1 ] || die "the primary restarted but still has no binary log"
  loud "the primary MariaDB now writes a binary log (server_id=$server_id)"
}

ensure_repl_user() {
  if [ "$(pm -e "select count(*) from mysql.user where user = '$REPL_USER' and host = '127.0.0.1'")" = 0 ]; then
    say "creating the replication account $REPL_USER@127.0.0.1 on the primary"
    pm -e "CREATE USER IF NOT EXISTS '$REPL_USER'@'127.0.0.1' IDENTIFIED BY '$REPL_PASSWORD';
           GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'127.0.0.1';"
  fi
}

write_config() {
  local primary_id
  primary_id=$(pm -e 'select @@server_id')
  install -d -o mysql -g mysql -m 750 "$BASE"
  install -d -m 755 "$BASE/bin"
  # A private copy of the server binary (see the header).
  cmp -s /usr/sbin/mariadbd "$BIN" || install -m 755 /usr/sbin/mariadbd "$BIN"
  write_if_changed "$CNF" <<EOF || true
# Written by test/services/mariadb-replica.sh: edit the script, not this file.
[mysqld]
user = mysql
basedir = /usr
datadir = $DATA
socket = $BASE/mariadbd.sock
pid-file = $PIDFILE
log-error = $ERRLOG
port = $REPLICA_PORT
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
server_id = $((primary_id + 1))
read_only = ON
relay_log = relay-bin
slave_net_timeout = 10
innodb_buffer_pool_size = 64M
innodb_log_file_size = 32M
EOF
  chmod 644 "$CNF"
}

our_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--defaults-file=$CNF" && echo "$pid"
}

start_server() {
  say "starting the replica mariadbd on 127.0.0.1:$REPLICA_PORT (log: $ERRLOG)"
  setsid "$BIN" --defaults-file="$CNF" </dev/null >>"$BASE/console.log" 2>&1 9>&- &
  local pid=$!
  local end=$((SECONDS + 90))
  until replica_up; do
    pid_alive "$pid" || { tail -n 20 "$ERRLOG" >&2; die "the replica mariadbd exited during startup"; }
    [ "$SECONDS" -lt "$end" ] || { tail -n 20 "$ERRLOG" >&2; die "the replica mariadbd does not answer after 90 s"; }
    sleep 0.2
  done
}

replica_gone() { ! pid_alive "$1" && ! port_open "$REPLICA_PORT"; }

stop_server() {
  local pid
  pid=$(our_pid || true)
  if [ -z "$pid" ]; then
    replica_up && replica_ours || return 1
    say "stopping the replica on 127.0.0.1:$REPLICA_PORT (SHUTDOWN)"
    rm_ -e 'SHUTDOWN' || true
    wait_until 60 replica_gone "" || die "the replica did not shut down"
    return 0
  fi
  say "stopping the replica on 127.0.0.1:$REPLICA_PORT (pid $pid)"
  kill -TERM "$pid"
  if ! wait_until 60 replica_gone "$pid"; then
    warn "the replica did not stop within 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 replica_gone "$pid" || true
  fi
}

seed() {
  say "seeding the replica from the primary (reason: $1)"
  stop_server || true
  rm -rf "$DATA" "$SEEDED" "$BASE/seed.sql"
  install -d -o mysql -g mysql -m 750 "$DATA"
  "$INSTALL_DB" --defaults-file="$CNF" --user=mysql --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >"$BASE/install-db.log" 2>&1 \
    || { tail -n 20 "$BASE/install-db.log" >&2; die "mariadb-install-db failed (see $BASE/install-db.log)"; }
  start_server

  local dbs
  dbs=$(pm -e "select schema_name from information_schema.schemata
               where schema_name not in ('mysql', 'information_schema', 'performance_schema', 'sys') order by 1")
  [ -n "$dbs" ] || die "the primary has no database to replicate (run test/services/databases.sh first)"
  # shellcheck disable=SC2086 # one word per database name
  (umask 077 && "$DUMP" --protocol=TCP -h 127.0.0.1 -P "$PRIMARY_PORT" -uroot \
      --single-transaction --master-data=2 --gtid --routines --events --triggers \
      --system=users --insert-ignore --databases $dbs >"$BASE/seed.sql") \
    || die "mariadb-dump of the primary failed"
  local pos
  pos=$(sed -n "s/^-- SET GLOBAL gtid_slave_pos='\([^']*\)';.*/\1/p" "$BASE/seed.sql" | head -n 1)
  grep -q "^-- SET GLOBAL gtid_slave_pos=" "$BASE/seed.sql" || die "the dump has no GTID position (is the primary's binary log on?)"
  say "loading $(wc -c <"$BASE/seed.sql") bytes (databases: ${dbs//$'\n'/ }) at primary GTID position '${pos}'"
  rm_ <"$BASE/seed.sql" || die "loading the dump into the replica failed"
  rm -f "$BASE/seed.sql"
  rm_ -e "STOP SLAVE; RESET SLAVE ALL;
          SET GLOBAL gtid_slave_pos = '$pos';
          CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $PRIMARY_PORT,
            MASTER_USER = '$REPL_USER', MASTER_PASSWORD = '$REPL_PASSWORD',
            MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
          START SLAVE;"
  date -u +%FT%TZ >"$SEEDED"
}

# Waits until both threads run and the replica has applied all the primary had.
wait_caught_up() {
  local limit=$1 pos
  local end=$((SECONDS + limit))
  while :; do
    replication_state && [ "$(slave_field Slave_SQL_Running)" = Yes ] && break
    [ $? = 2 ] && return 2
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.2
  done
  pos=$(pm -e 'select @@gtid_binlog_pos')
  [ -z "$pos" ] && return 0
  [ "$(rm_ -e "select master_gtid_wait('$pos', $limit)")" = 0 ]
}

grant_monitor() {
  # SHOW SLAVE STATUS needs SLAVE MONITOR; granted on the replica only (it has no binary log).
  local hosts sql='' host
  hosts=$(rm_ -e "select host from mysql.user where user = 'sluice' and host in ('127.0.0.1', 'localhost')")
  for host in $hosts; do sql+="GRANT SLAVE MONITOR ON *.* TO 'sluice'@'$host'; "; done
  [ -z "$sql" ] || rm_ -e "$sql"
}

cmd_start() {
  primary_up || die "the primary MariaDB does not answer on 127.0.0.1:$PRIMARY_PORT as root (start it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)"
  local datadir
  if datadir=$(rm_ -e 'select @@datadir' 2>/dev/null); then
    [ "$datadir" = "$DATA/" ] || die "something else answers on 127.0.0.1:$REPLICA_PORT (datadir $datadir); free the port"
    if replicating; then
      grant_monitor
      say "already running on 127.0.0.1:$REPLICA_PORT (replicating$([ "$(slave_field Slave_SQL_Running)" = Yes ] || echo ', SQL thread PAUSED'))"
      return 0
    fi
  fi
  ensure_primary_binlog
  ensure_repl_user
  [ -f "$CNF" ] && cp "$CNF" "$CNF.old"
  write_config
  if replica_up && [ -f "$CNF.old" ] && ! cmp -s "$CNF" "$CNF.old"; then
    say "configuration changed; restarting the replica"
    stop_server || true
  fi
  rm -f "$CNF.old"

  local seeded_now=''
  if [ ! -f "$SEEDED" ] || [ ! -d "$DATA/mysql" ]; then
    seed "no seeded replica data yet"; seeded_now=1
  elif ! replica_up; then
    start_server
  fi
  rm_ -e 'START SLAVE' 2>/dev/null || true
  local rc=0
  wait_caught_up 30 || rc=$?
  if [ "$rc" != 0 ] && [ -z "$seeded_now" ]; then
    warn "the existing replica does not catch up ($([ "$rc" = 2 ] && slave_error || echo timeout)); re-seeding it"
    seed "existing replica broken"
    rc=0; wait_caught_up 60 || rc=$?
  fi
  [ "$rc" = 0 ] || { read_slave_status; die "the replica does not catch up with the primary: $(slave_error); see $ERRLOG"; }
  grant_monitor
  say "running on 127.0.0.1:$REPLICA_PORT: replicating from 127.0.0.1:$PRIMARY_PORT with GTID, caught up"
}

cmd_stop() {
  if stop_server; then say "stopped"; else say "already stopped"; fi
}

cmd_status() {
  if ! replica_up; then
    if [ -f "$SEEDED" ]; then say "stopped (data in $BASE kept)"; else say "stopped (not set up)"; fi
    return 3
  fi
  replica_ours || { say "127.0.0.1:$REPLICA_PORT answers but it is not the replica in $BASE"; return 1; }
  local rc=0 primary_pos='?'
  replication_state || rc=$?
  primary_up && primary_pos=$(pm -e 'select @@gtid_binlog_pos')
  if [ -z "$SLAVE_STATUS" ]; then say "running on 127.0.0.1:$REPLICA_PORT but not configured as a replica"; return 1; fi
  say "running on 127.0.0.1:$REPLICA_PORT: Slave_IO_Running=$(slave_field Slave_IO_Running) Slave_SQL_Running=$(slave_field Slave_SQL_Running) Seconds_Behind_Master=$(slave_field Seconds_Behind_Master) Gtid_IO_Pos=$(slave_field Gtid_IO_Pos) gtid_slave_pos=$(rm_ -e 'select @@gtid_slave_pos') primary_gtid_binlog_pos=$primary_pos"
  [ "$rc" = 2 ] && say "replication error: $(slave_error)"
  [ "$rc" = 0 ]
}

need_running() {
  { replica_up && replica_ours; } || die "the replica is not running on 127.0.0.1:$REPLICA_PORT (run: $0 start)"
}

cmd_pause() {
  need_running
  rm_ -e 'STOP SLAVE SQL_THREAD'
  say "SQL thread stopped (replication paused; events still arrive in the relay log)"
}

cmd_resume() {
  need_running
  rm_ -e 'START SLAVE SQL_THREAD'
  say "SQL thread started (replication resumed)"
}

cmd_destroy() {
  stop_server || true
  rm -rf "$BASE"
  say "destroyed: $BASE removed"
}

case "${1:-}" in
  start|stop|destroy) take_lock mariadb-replica ;;
esac
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  pause) cmd_pause ;;
  resume) cmd_resume ;;
  destroy) cmd_destroy ;;
  *) echo "usage: $0 start|stop|status|pause|resume|destroy" >&2; exit 2 ;;
esac
