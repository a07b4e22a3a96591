#!/usr/bin/env bash
# Checks that the PostgreSQL and MariaDB servers the integration tests need
# answer, and creates (idempotently) the `sluice` database and role on each.
# A server that does not answer is a red run with a clear message: the tests
# never skip because a server is missing.
set -euo pipefail

PG_HOST=${SLUICE_PG_HOST:-127.0.0.1}
PG_PORT=${SLUICE_PG_PORT:-5432}
MY_HOST=${SLUICE_MYSQL_HOST:-127.0.0.1}
MY_PORT=${SLUICE_MYSQL_PORT:-3306}

fail() { echo "test/services/databases.sh: $*" >&2; exit 1; }

command -v psql >/dev/null || fail "psql is not installed; the integration tests need PostgreSQL at $PG_HOST:$PG_PORT"
command -v mariadb >/dev/null || command -v mysql >/dev/null || fail "the mariadb client is not installed; the integration tests need MariaDB at $MY_HOST:$MY_PORT"
MYSQL_CLI=$(command -v mariadb || command -v mysql)

for i in $(seq 1 30); do
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1 && break
  [ "$i" = 30 ] && fail "PostgreSQL does not answer at $PG_HOST:$PG_PORT as user postgres (start it, e.g. .ci/run does)"
  sleep 1
done
for i in $(seq 1 30); do
  "$MYSQL_CLI" -h "$MY_HOST" -P "$MY_PORT" -uroot -e 'select 1' >/dev/null 2>&1 && break
  [ "$i" = 30 ] && fail "MariaDB does not answer at $MY_HOST:$MY_PORT as root (start it, e.g. .ci/run does)"
  sleep 1
done

psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice') THEN
    CREATE ROLE sluice LOGIN PASSWORD 'sluice-secret';
  END IF;
END $$;
SELECT 'CREATE DATABASE sluice OWNER sluice' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'sluice')\gexec
SQL
psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d sluice -v ON_ERROR_STOP=1 -Atqc 'GRANT ALL ON SCHEMA public TO sluice' >/dev/null

"$MYSQL_CLI" -h "$MY_HOST" -P "$MY_PORT" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS sluice;
CREATE USER IF NOT EXISTS 'sluice'@'127.0.0.1' IDENTIFIED BY 'sluice-secret';
CREATE USER IF NOT EXISTS 'sluice'@'localhost' IDENTIFIED BY 'sluice-secret';
GRANT ALL PRIVILEGES ON sluice.* TO 'sluice'@'127.0.0.1';
GRANT ALL PRIVILEGES ON sluice.* TO 'sluice'@'localhost';
GRANT PROCESS, CONNECTION ADMIN ON *.* TO 'sluice'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
echo "databases ready: PostgreSQL $PG_HOST:$PG_PORT/sluice, MariaDB $MY_HOST:$MY_PORT/sluice"
