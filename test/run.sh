#!/usr/bin/env bash
# The whole test suite, as `pnpm test` runs it: the extra services up (replicas,
# PgBouncer; the primaries must already run), type checks, lint, every test;
# the extra services stopped again at the end, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."

bash test/services/all.sh start
trap 'echo "== stopping test services"; bash test/services/all.sh stop >/dev/null 2>&1 || true' EXIT

echo "== typecheck"
pnpm typecheck
echo "== lint"
pnpm lint
echo "== tests"
pnpm exec vitest run
echo "== packaging (build, pack, publint, attw, CommonJS/ES module/Jest apps on the tarballs)"
bash test/packaging/run.sh
