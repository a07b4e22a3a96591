# shellcheck shell=bash
# Helpers shared by test/services/*.sh. Sourced, never run on its own.
# The sourcing script sets SCRIPT_NAME first and runs under `set -euo pipefail`.

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }
# For changes to a primary server's configuration: impossible to miss in a CI log.
loud() {
  local line='!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
  printf '%s\n' "$line" "$SCRIPT_NAME: $*" "$line" >&2
}

# Runs a command as another OS user (root may become anyone; that user may run it directly).
as_user() {
  local user=$1; shift
  if [ "$(id -un)" = "$user" ]; then
    "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u "$user" -- "$@"
  else
    die "must run as root (or as $user)"
  fi
}

need_root() { [ "$(id -u)" = 0 ] || die "must run as root: $*"; }

# wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s; fails when time runs out.
wait_until() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.2
  done
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port_closed() { ! port_open "$1"; }

# need_port VALUE: dies unless VALUE is a TCP port a private server may use (1024-65535).
need_port() {
  if [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1024 ] && [ "$1" -le 65535 ]; then return 0; fi
  die "PORT must be a number between 1024 and 65535 (got '${1:-}')"
}

# True when PID is alive (a zombie, dead but not yet reaped by its parent, is not).
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
pid_gone() { ! pid_alive "${1:-}"; }

# Installs the Debian packages given that are missing (apt-get update first, once).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" = 0 ] && return 0
  need_root "installing ${missing[*]}"
  say "installing Debian packages: ${missing[*]} (apt-get update first)"
  export DEBIAN_FRONTEND=noninteractive
  local log
  log=$(mktemp)
  apt-get -o DPkg::Lock::Timeout=300 update -qq >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "apt-get update failed"; }
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; rm -f "$log"; die "apt-get install ${missing[*]} failed"; }
  rm -f "$log"
}

# Writes stdin to FILE only when it differs; returns 0 when FILE changed.
write_if_changed() {
  local file=$1 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$file" ] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 1
  fi
  cat "$tmp" >"$file"
  rm -f "$tmp"
  return 0
}

# psql without Debian's Perl wrapper (pg_wrapper costs ~0.2 s per call): the
# newest installed client binary, else whatever `psql` is on PATH.
PSQL=$(find /usr/lib/postgresql -path '*/bin/psql' 2>/dev/null | sort -V | tail -n 1)
[ -n "$PSQL" ] || PSQL=$(command -v psql || echo psql)

# hold_lock FD NAME: a second lock (take_lock holds fd 9) for a shared step such as
# preparing a template; held until the script exits. Daemons are started with `FD>&-`.
hold_lock() {
  local dir=/run/lock
  [ -d "$dir" ] && [ -w "$dir" ] || dir=/tmp
  eval "exec $1>\"\$dir/sluice-\$2.lock\""
  flock -w 600 "$1" || die "still locked after 600 s ($dir/sluice-$2.lock)"
}

# Serialises start/stop/destroy of one service between concurrent callers (two
# test runs in one checkout, say). The lock is on fd 9: every daemon a script
# launches must be started with `9>&-`, or it would hold the lock forever.
take_lock() {
  local dir=/run/lock
  [ -d "$dir" ] && [ -w "$dir" ] || dir=/tmp
  exec 9>"$dir/sluice-$1.lock"
  if ! flock -n 9; then
    say "another $SCRIPT_NAME is at work; waiting for it"
    flock -w 600 9 || die "still locked after 600 s ($dir/sluice-$1.lock)"
  fi
}
