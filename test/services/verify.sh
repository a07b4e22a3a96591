#!/usr/bin/env bash
# End-to-end check of the services all.sh starts, with the psql and mariadb
# command-line clients, as the `sluice` user (scratch table sluice_services_check,
# dropped at the end):
#   - a row written on each primary shows on its replica within 1 s
#   - pause -> write -> not on the replica -> resume -> on the replica
#   - pg_is_in_recovery() on 5433, SHOW SLAVE STATUS healthy on 3307
#   - select 1 through PgBouncer on 6432
# Exit 0 when every check passes.
set -euo pipefail
SCRIPT_NAME=verify.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
cd /

TABLE=sluice_services_check
failures=0
ok() { say "ok   $*"; }
bad() { say "FAIL $*"; failures=$((failures + 1)); }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

pg() { PGPASSWORD=sluice-secret "$PSQL" -X -h 127.0.0.1 -p "$1" -U sluice -d sluice -v ON_ERROR_STOP=1 -Atq -c "$2"; }
my() { mariadb --protocol=TCP -h 127.0.0.1 -P "$1" -usluice -psluice-secret -NB sluice -e "$2"; }

pg_has() { [ "$(pg 5433 "select count(*) from $TABLE where token = '$1'" 2>/dev/null)" = 1 ]; }
my_has() { [ "$(my 3307 "select count(*) from $TABLE where token = '$1'" 2>/dev/null)" = 1 ]; }

# visible_within MS CHECK TOKEN: prints the delay; fails when not visible in time.
visible_within() {
  local limit=$1 check=$2 token=$3 start
  start=$(now_ms)
  while ! "$check" "$token"; do
    [ $(($(now_ms) - start)) -lt "$limit" ] || return 1
    sleep 0.02
  done
  echo "$(($(now_ms) - start)) ms"
}

token() { echo "t$(date +%s%N)"; }

# ---- PostgreSQL ----
pg 5432 "create table if not exists $TABLE (token text primary key, at timestamptz default now())"
t=$(token); pg 5432 "insert into $TABLE (token) values ('$t')"
if d=$(visible_within 1000 pg_has "$t"); then ok "PostgreSQL: primary write visible on 5433 after $d"; else bad "PostgreSQL: write not on 5433 within 1 s"; fi
if [ "$(pg 5433 'select pg_is_in_recovery()')" = t ]; then ok "PostgreSQL: pg_is_in_recovery() on 5433 is true"; else bad "PostgreSQL: 5433 is not in recovery"; fi
"$HERE/pg-replica.sh" pause >/dev/null
t=$(token); pg 5432 "insert into $TABLE (token) values ('$t')"
sleep 1
if pg_has "$t"; then bad "PostgreSQL: write visible on 5433 while replay is paused"; else ok "PostgreSQL: paused replica does not show the write after 1 s"; fi
"$HERE/pg-replica.sh" resume >/dev/null
if d=$(visible_within 2000 pg_has "$t"); then ok "PostgreSQL: visible $d after resume"; else bad "PostgreSQL: write not on 5433 within 2 s of resume"; fi
if out=$(pg 5433 "insert into $TABLE (token) values ('x')" 2>&1); then bad "PostgreSQL: the replica accepted a write"; else ok "PostgreSQL: replica refuses writes (${out##*ERROR:  })"; fi

# ---- MariaDB ----
my 3306 "create table if not exists $TABLE (token varchar(40) primary key, at timestamp(6) default current_timestamp(6))"
t=$(token); my 3306 "insert into $TABLE (token) values ('$t')"
if d=$(visible_within 1000 my_has "$t"); then ok "MariaDB: primary write visible on 3307 after $d"; else bad "MariaDB: write not on 3307 within 1 s"; fi
status=$(mariadb --protocol=TCP -h 127.0.0.1 -P 3307 -usluice -psluice-secret -e 'SHOW SLAVE STATUS\G')
if grep -q 'Slave_IO_Running: Yes' <<<"$status" && grep -q 'Slave_SQL_Running: Yes' <<<"$status" \
   && grep -q 'Last_IO_Errno: 0' <<<"$status" && grep -q 'Last_SQL_Errno: 0' <<<"$status"; then
  ok "MariaDB: SHOW SLAVE STATUS healthy on 3307 (as sluice; $(grep -o 'Using_Gtid: .*' <<<"$status"), $(grep -o 'Seconds_Behind_Master: .*' <<<"$status"))"
else
  bad "MariaDB: SHOW SLAVE STATUS not healthy: $status"
fi
"$HERE/mariadb-replica.sh" pause >/dev/null
t=$(token); my 3306 "insert into $TABLE (token) values ('$t')"
sleep 1
if my_has "$t"; then bad "MariaDB: write visible on 3307 while the SQL thread is stopped"; else ok "MariaDB: paused replica does not show the write after 1 s"; fi
"$HERE/mariadb-replica.sh" resume >/dev/null
if d=$(visible_within 2000 my_has "$t"); then ok "MariaDB: visible $d after resume"; else bad "MariaDB: write not on 3307 within 2 s of resume"; fi
if out=$(my 3307 "insert into $TABLE (token) values ('x')" 2>&1); then bad "MariaDB: the replica accepted a write from sluice"; else ok "MariaDB: replica refuses writes from sluice (read_only)"; fi

# ---- PgBouncer ----
if [ "$(PGPASSWORD=sluice-secret "$PSQL" -X -h 127.0.0.1 -p 6432 -U sluice -d sluice -Atqc 'select 1')" = 1 ]; then
  ok "PgBouncer: select 1 through 127.0.0.1:6432/sluice as sluice"
else
  bad "PgBouncer: select 1 through 127.0.0.1:6432 failed"
fi
mode=$("$PSQL" -X -h 127.0.0.1 -p 6432 -U postgres -d pgbouncer -Atc 'SHOW CONFIG' 2>/dev/null | awk -F'|' '$1 == "pool_mode" { print $2 }')
if [ "$mode" = transaction ]; then ok "PgBouncer: pool_mode = transaction"; else bad "PgBouncer: pool_mode is '$mode'"; fi

pg 5432 "drop table $TABLE"
my 3306 "drop table $TABLE"

if [ "$failures" = 0 ]; then say "all checks passed"; else say "$failures check(s) failed"; exit 1; fi
