#!/usr/bin/env bash
# Redis on loopback for the tests (shared breaker state, ...), started only when
# nothing answers there already.
#
#   redis.sh start [PORT]    start redis-server on 127.0.0.1:PORT unless a Redis answers there
#   redis.sh stop [PORT]     stop it, only if this script started it (never a Redis we found running)
#   redis.sh status [PORT]   exit 0 when a Redis answers (ours or not), 3 when none does
#
# PORT defaults to 6379, the machine's usual Redis; tests that stop or kill
# Redis use a private port instead. Ours runs without persistence (no RDB, no
# AOF) from /var/lib/sluice-redis/PORT (pid, log), as the redis OS user when
# there is one.
set -euo pipefail
SCRIPT_NAME=redis.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd /

PORT=${2:-6379}
need_port "$PORT"
DIR=${SLUICE_REDIS_DIR:-/var/lib/sluice-redis}/$PORT
PIDFILE=$DIR/redis.pid

# PING over bash's /dev/tcp: no client needed to tell whether a Redis answers.
answers() (
  reply=''
  exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
  printf 'PING\r\n' >&3
  read -r -t 2 reply <&3 || true
  [[ "$reply" == +PONG* ]]
)

# The pid of the Redis this script started on PORT, if it still runs.
our_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  pid_alive "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]] && echo "$pid"
}

cmd_start() {
  if answers 2>/dev/null; then
    if [ -n "$(our_pid || true)" ]; then say "already running on 127.0.0.1:$PORT (ours)"; else say "a Redis already answers on 127.0.0.1:$PORT (not ours: left alone)"; fi
    return 0
  fi
  port_open "$PORT" && die "port 127.0.0.1:$PORT is taken by something that is not Redis"
  command -v redis-server >/dev/null || ensure_packages redis-server
  local owner=root
  id redis >/dev/null 2>&1 && owner=redis
  install -d -o "$owner" -g "$owner" -m 750 "$DIR"
  say "starting redis-server on 127.0.0.1:$PORT (log: $DIR/redis.log)"
  as_user "$owner" redis-server --bind 127.0.0.1 --port "$PORT" --protected-mode yes --daemonize yes \
    --pidfile "$PIDFILE" --logfile "$DIR/redis.log" --dir "$DIR" --save '' --appendonly no 8>&- 9>&- \
    || die "redis-server did not start (see $DIR/redis.log)"
  wait_until 15 answers || { tail -n 20 "$DIR/redis.log" >&2 || true; die "redis-server does not answer on 127.0.0.1:$PORT"; }
  say "running on 127.0.0.1:$PORT (pid $(our_pid || echo '?'))"
}

cmd_stop() {
  local pid
  pid=$(our_pid || true)
  if [ -z "$pid" ]; then
    if answers 2>/dev/null; then say "the Redis on 127.0.0.1:$PORT was not started by this script: left running"; else say "already stopped"; fi
    return 0
  fi
  kill -TERM "$pid"
  wait_until 15 pid_gone "$pid" || { kill -KILL "$pid" 2>/dev/null || true; }
  rm -f "$PIDFILE"
  say "stopped"
}

cmd_status() {
  if ! answers 2>/dev/null; then say "stopped (nothing answers on 127.0.0.1:$PORT)"; return 3; fi
  if [ -n "$(our_pid || true)" ]; then say "running on 127.0.0.1:$PORT (ours)"; else say "running on 127.0.0.1:$PORT (not started by this script)"; fi
}

case "${1:-}" in
  start|stop) take_lock "redis-$PORT" ;;
esac
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status [PORT]" >&2; exit 2 ;;
esac
