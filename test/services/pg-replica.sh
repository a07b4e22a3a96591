#!/usr/bin/env bash
# PostgreSQL streaming replica of the local primary, for the integration tests.
#
#   pg-replica.sh start    create (pg_basebackup -R) if needed, start, wait until caught up
#   pg-replica.sh stop     stop it (data dir and replication slot are kept)
#   pg-replica.sh status   print its state; exit 0 healthy, 1 unhealthy, 3 stopped
#   pg-replica.sh pause    SELECT pg_wal_replay_pause()   (WAL still arrives, replay stops: lag)
#   pg-replica.sh resume   SELECT pg_wal_replay_resume()
#   pg-replica.sh destroy  stop, delete the data dir and drop the slot on the primary
#
# The replica is a plain data directory (not a Debian "cluster"), run as the
# postgres OS user with pg_ctl: 127.0.0.1:5433, hot_standby = on, trust auth
# like the primary (users postgres and sluice, database sluice). It streams
# from 127.0.0.1:5432 through the physical slot `sluice_replica`, so a stopped
# replica can always catch up (the primary keeps WAL for it until `destroy`).
#
# Tests may pause/resume replay themselves over SQL, as a superuser, on the
# replica:  psql -h 127.0.0.1 -p 5433 -U postgres -c 'SELECT pg_wal_replay_pause()'
# (pg_wal_replay_resume(), pg_get_wal_replay_pause_state()). The pause is not
# persistent: restarting the replica resumes replay.
#
# Primary requirements, checked (not changed) here: wal_level replica or logical,
# max_wal_senders >= 2, max_replication_slots >= 1 (all Debian defaults; changing
# them needs a restart, so the script stops with instructions instead). The one
# change it makes, when missing, is a `host replication all 127.0.0.1/32 trust`
# line in the primary's pg_hba.conf, applied with pg_reload_conf() (no restart).
set -euo pipefail
SCRIPT_NAME=pg-replica.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd /   # the postgres user may not be allowed into the caller's directory

PRIMARY_PORT=${SLUICE_PG_PORT:-5432}
REPLICA_PORT=${SLUICE_PG_REPLICA_PORT:-5433}
DATA=${SLUICE_PG_REPLICA_DIR:-/var/lib/postgresql/sluice-replica}
LOG=${SLUICE_PG_REPLICA_LOG:-/var/log/postgresql/sluice-replica.log}
SLOT=sluice_replica
HBA_MARK='# added by sluice test/services/pg-replica.sh'

pq() { "$PSQL" -X -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
rq() { "$PSQL" -X -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }

primary_up() { pq -c 'select 1' >/dev/null 2>&1; }
replica_answers() { rq -c 'select 1' >/dev/null 2>&1; }
# Our replica answers on the port (and not some other server).
replica_ours() { [ "$(rq -c 'show data_directory' 2>/dev/null)" = "$DATA" ]; }

pg_bindir() {
  local major=''
  if [ -f "$DATA/PG_VERSION" ]; then major=$(cat "$DATA/PG_VERSION")
  elif primary_up; then major=$(( $(pq -c 'show server_version_num') / 10000 ))
  else major=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)
  fi
  [ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ] || die "PostgreSQL ${major:-?} server binaries not found in /usr/lib/postgresql/${major:-?}/bin"
  echo "/usr/lib/postgresql/$major/bin"
}

streaming() { [ "$(rq -c "select coalesce((select status from pg_stat_wal_receiver), 'none')" 2>/dev/null)" = streaming ]; }
# The replica has replayed everything the primary had written when LSN was read.
replayed_to() { [ "$(rq -c "select coalesce(pg_last_wal_replay_lsn() >= '$1'::pg_lsn, false)" 2>/dev/null)" = t ]; }

replication_conn_ok() {
  "$PSQL" -X "host=127.0.0.1 port=$PRIMARY_PORT user=postgres dbname=postgres replication=true" -Atqc IDENTIFY_SYSTEM >/dev/null 2>&1
}

check_primary() {
  primary_up || die "the primary PostgreSQL does not answer on 127.0.0.1:$PRIMARY_PORT as postgres (start it: pg_ctlcluster --skip-systemctl-redirect 15 main start)"
  local wal_level senders slots
  IFS='|' read -r wal_level senders slots <<<"$(pq -F '|' -c "select current_setting('wal_level'),
      current_setting('max_wal_senders'), current_setting('max_replication_slots')")"
  if [ "$wal_level" = minimal ] || [ "$senders" -lt 2 ] || [ "$slots" -lt 1 ]; then
    die "the primary cannot feed a streaming replica (wal_level=$wal_level, max_wal_senders=$senders, max_replication_slots=$slots).
  Fix it with (needs a restart of the primary):
    psql -h 127.0.0.1 -U postgres -c \"ALTER SYSTEM SET wal_level = replica\" -c \"ALTER SYSTEM SET max_wal_senders = 10\" -c \"ALTER SYSTEM SET max_replication_slots = 10\"
    pg_ctlcluster --skip-systemctl-redirect 15 main restart"
  fi
  if ! replication_conn_ok; then
    local hba
    hba=$(pq -c 'show hba_file')
    need_root "adding a replication line to $hba"
    loud "CHANGING THE PRIMARY: adding 'host replication all 127.0.0.1/32 trust' to $hba and reloading it (pg_reload_conf, no restart)"
    printf '%s\nhost    replication     all             127.0.0.1/32            trust\n' "$HBA_MARK" >>"$hba"
    pq -c 'select pg_reload_conf()' >/dev/null
    wait_until 10 replication_conn_ok || die "replication connections to 127.0.0.1:$PRIMARY_PORT are still refused after editing $hba (an earlier line rejects them?): $("$PSQL" -X "host=127.0.0.1 port=$PRIMARY_PORT user=postgres dbname=postgres replication=true" -Atqc IDENTIFY_SYSTEM 2>&1 | tail -n 1)"
  fi
}

slot_exists() { [ "$(pq -c "select count(*) from pg_replication_slots where slot_name = '$SLOT'")" = 1 ]; }

# Why the existing data dir can't be reused (empty when it can).
rebuild_reason() {
  [ -f "$DATA/PG_VERSION" ] || { echo "no replica data dir yet"; return; }
  [ -f "$DATA/standby.signal" ] || { echo "$DATA is not a standby (no standby.signal)"; return; }
  local ours row
  ours=$("$BIN/pg_controldata" "$DATA" 2>/dev/null | sed -n 's/^Database system identifier: *//p')
  row=$(pq -F '|' -c "select system_identifier, exists (select from pg_replication_slots where slot_name = '$SLOT')
      from pg_control_system()")
  [ "$ours" = "${row%%|*}" ] || { echo "the primary was re-created (system identifier ${row%%|*}, replica has ${ours:-none})"; return; }
  [ "${row#*|}" = t ] || { echo "replication slot $SLOT is gone from the primary"; return; }
}

stop_server() {
  if [ -f "$DATA/postmaster.pid" ] && as_user postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "stopping the replica on 127.0.0.1:$REPLICA_PORT"
    as_user postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    return 0
  fi
  return 1
}

rebuild() {
  say "creating the replica: pg_basebackup of 127.0.0.1:$PRIMARY_PORT into $DATA (reason: $1)"
  stop_server || true
  rm -rf "$DATA"
  local active
  active=$(pq -c "select active from pg_replication_slots where slot_name = '$SLOT'")
  [ "$active" = t ] && die "replication slot $SLOT on the primary is in use by another server; stop it first"
  [ "$active" = f ] && pq -c "select pg_drop_replication_slot('$SLOT')" >/dev/null
  install -d -o postgres -g postgres -m 700 "$DATA"
  # -R writes standby.signal + primary_conninfo/primary_slot_name; -C -S creates the slot.
  as_user postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream -C -S "$SLOT" --checkpoint=fast --no-sync \
    || die "pg_basebackup from 127.0.0.1:$PRIMARY_PORT failed"
}

write_config() {
  # Hot standby refuses to start when the first five are below the primary's values.
  local s
  s=$(pq -c "select format('%s = %s', n, quote_literal(current_setting(n))) from unnest(array[
      'max_connections', 'max_prepared_transactions', 'max_locks_per_transaction',
      'max_worker_processes', 'max_wal_senders', 'TimeZone', 'DateStyle', 'lc_messages',
      'lc_monetary', 'lc_numeric', 'lc_time', 'default_text_search_config', 'log_timezone']) n")
  cat >"$DATA/postgresql.conf" <<EOF
# Written by test/services/pg-replica.sh at every start: edit the script, not this file.
# (primary_conninfo and primary_slot_name are in postgresql.auto.conf, from pg_basebackup -R.)
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
unix_socket_directories = '/var/run/postgresql'
cluster_name = 'sluice-replica'
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = 1s
shared_buffers = 64MB
dynamic_shared_memory_type = posix
log_line_prefix = '%m [%p] %q%u@%d '
# Copied from the primary:
$s
EOF
  cat >"$DATA/pg_hba.conf" <<'EOF'
# Written by test/services/pg-replica.sh: trust on loopback, like the primary.
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
host    replication     all             127.0.0.1/32            trust
EOF
  : >"$DATA/pg_ident.conf"
  chown postgres:postgres "$DATA/postgresql.conf" "$DATA/pg_hba.conf" "$DATA/pg_ident.conf"
}

start_server() {
  touch "$LOG" && chown postgres:postgres "$LOG"
  say "starting the replica on 127.0.0.1:$REPLICA_PORT (log: $LOG)"
  # its own session, so that the server outlives whatever started it (a test runner
  # ends its worker's process group when it is done)
  as_user postgres setsid -w "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 90 -s start 9>&- \
    || { tail -n 20 "$LOG" >&2; return 1; }
}

# Streaming and replayed up to the primary's current WAL position.
wait_caught_up() {
  local lsn
  lsn=$(pq -c 'select pg_current_wal_lsn()')
  wait_until "${1:-30}" streaming && wait_until "${1:-30}" replayed_to "$lsn"
}

cmd_start() {
  primary_up || die "the primary PostgreSQL does not answer on 127.0.0.1:$PRIMARY_PORT as postgres (start it: pg_ctlcluster --skip-systemctl-redirect 15 main start)"
  local state
  if state=$(rq -F '|' -c "select current_setting('data_directory'), coalesce((select status from pg_stat_wal_receiver), 'none')" 2>/dev/null); then
    [ "${state%%|*}" = "$DATA" ] || die "something else answers on 127.0.0.1:$REPLICA_PORT (data dir ${state%%|*}); free the port"
    if [ "${state#*|}" = streaming ] || wait_until 10 streaming; then
      say "already running on 127.0.0.1:$REPLICA_PORT (streaming)"
      return 0
    fi
    warn "the running replica does not stream from the primary; restarting it"
    BIN=$(pg_bindir)
    stop_server || true
  fi
  check_primary
  BIN=$(pg_bindir)
  local reason
  reason=$(rebuild_reason)
  if [ -n "$reason" ]; then rebuild "$reason"; fi
  write_config
  if ! start_server || ! wait_caught_up 30; then
    [ -z "$reason" ] || die "the new replica did not start streaming; see $LOG"
    warn "the existing replica did not catch up; re-creating it"
    rebuild "existing data dir did not catch up"
    write_config
    start_server || die "the replica did not start; see $LOG"
    wait_caught_up 60 || die "the replica does not stream from the primary; see $LOG"
  fi
  say "running on 127.0.0.1:$REPLICA_PORT: streaming from 127.0.0.1:$PRIMARY_PORT, caught up"
}

cmd_stop() {
  BIN=$(pg_bindir)
  if stop_server; then say "stopped"; else say "already stopped"; fi
}

cmd_status() {
  if ! replica_answers; then
    if [ -f "$DATA/PG_VERSION" ]; then say "stopped (data dir $DATA kept)"; else say "stopped (no data dir)"; fi
    return 3
  fi
  replica_ours || { say "127.0.0.1:$REPLICA_PORT answers but it is not $DATA"; return 1; }
  local row recovery receiver pause replay_lsn lag
  row=$(rq -F '|' -c "select pg_is_in_recovery(),
      coalesce((select status from pg_stat_wal_receiver), 'none'),
      pg_get_wal_replay_pause_state(),
      coalesce(pg_last_wal_replay_lsn()::text, '-'),
      coalesce(round(extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::text, '-')")
  IFS='|' read -r recovery receiver pause replay_lsn lag <<<"$row"
  local behind='?'
  primary_up && behind=$(pq -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$replay_lsn'::pg_lsn)" 2>/dev/null || echo '?')
  say "running on 127.0.0.1:$REPLICA_PORT: in_recovery=$recovery wal_receiver=$receiver replay=$pause replayed=$replay_lsn bytes_behind=$behind ms_since_last_replayed_xact=$lag"
  [ "$recovery" = t ] && [ "$receiver" = streaming ]
}

replay_paused() { [ "$(rq -c 'select pg_get_wal_replay_pause_state()')" = paused ]; }

need_running() {
  { replica_answers && replica_ours; } || die "the replica is not running on 127.0.0.1:$REPLICA_PORT (run: $0 start)"
}

cmd_pause() {
  need_running
  rq -c 'select pg_wal_replay_pause()' >/dev/null
  wait_until 5 replay_paused || true
  say "replay: $(rq -c 'select pg_get_wal_replay_pause_state()')"
}

cmd_resume() {
  need_running
  rq -c 'select pg_wal_replay_resume()' >/dev/null
  say "replay: $(rq -c 'select pg_get_wal_replay_pause_state()')"
}

cmd_destroy() {
  BIN=$(pg_bindir)
  stop_server || true
  rm -rf "$DATA"
  if primary_up && slot_exists; then
    pq -c "select pg_drop_replication_slot('$SLOT')" >/dev/null
    say "dropped replication slot $SLOT on the primary"
  fi
  say "destroyed: $DATA removed"
}

case "${1:-}" in
  start|stop|destroy) take_lock pg-replica ;;
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
