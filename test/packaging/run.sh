#!/usr/bin/env bash
# The packaging check (test/run.sh runs it; alone: bash test/packaging/run.sh).
# Builds and packs every published package as a user would get it, checks the
# tarballs (no workspace: ranges, README and LICENSE inside, publint, attw),
# then installs them with npm into a scratch project outside the workspace and
# - type-checks one source file under node16 (.cts and .mts), bundler and node10,
#   with TypeScript 5.9 and 4.7,
# - runs it as a CommonJS app, as an ES module app and as a Jest test: a query
#   on SQLite through @sluice/core and through each ORM adapter.
# Needs no database server. Installs from npm's cache when it can (--prefer-offline).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-packaging.XXXXXX")
# background steps are this script's own children: stop them (by pid) if a step fails
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
step() { echo "== packaging (${SECONDS}s): $*"; }
fail() { echo "packaging: $*" >&2; exit 1; }
# runs a command quietly, and shows what it printed only when it fails
quiet() { local log; log=$(mktemp -p "$work"); "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "failed: $*"; }; }

published=()
for manifest in packages/*/package.json adapters/*/package.json; do
  [ "$(node -p "require('./$manifest').private === true")" = true ] || published+=("$(dirname "$manifest")")
done

step "build"
quiet pnpm build

step "pack ${published[*]}"
for dir in "${published[@]}"; do (cd "$dir" && quiet pnpm pack --pack-destination "$work/tarballs"); done

# npm installs the scratch project while the tarballs are checked
step "install the tarballs into a scratch project ($work/app), in the background"
app="$work/app"
cp -r test/packaging/app "$app"
mkdir "$app/src"
for extension in cts mts ts; do cp "$app/query-through-everything.ts" "$app/src/query-through-everything.$extension"; done
# better-sqlite3 is linked from the workspace, not installed: its install compiles SQLite for minutes
sqlite_driver=$(node -p "require('node:path').dirname(require.resolve('better-sqlite3/package.json', { paths: ['packages/core'] }))")
(cd "$app" && quiet npm install --ignore-scripts --no-audit --no-fund --prefer-offline "$work"/tarballs/*.tgz "$sqlite_driver") &
install=$!

step "tarballs: manifests, README, LICENSE, publint, attw"
for tarball in "$work"/tarballs/*.tgz; do
  name=$(basename "$tarball")
  manifest=$(tar -xzOf "$tarball" package/package.json)
  ! grep -n '"workspace:' <<<"$manifest" || fail "$name: its package.json still has workspace: ranges"
  grep -qx package/README.md <<<"$(tar -tzf "$tarball")" || fail "$name: no README.md"
  tar -xzOf "$tarball" package/LICENSE | cmp -s - LICENSE || fail "$name: no LICENSE, or not the repository's"
  quiet pnpm exec publint run --strict "$tarball"
  quiet pnpm exec attw "$tarball"
  echo "   $name: ok"
done
wait "$install" || fail "npm install in the scratch project failed"

cd "$app"
typescript=node_modules/typescript/bin/tsc
typescript47=node_modules/typescript-4.7/bin/tsc
step "types: node16 (.cts, .mts), bundler, node10 with TypeScript $(node $typescript --version | cut -d' ' -f2); node16, node10 with $(node $typescript47 --version | cut -d' ' -f2)"
(quiet node $typescript -p tsconfig.json && quiet node $typescript -p tsconfig.bundler.json && quiet node $typescript -p tsconfig.node10.json) &
current=$!
(quiet node $typescript47 -p tsconfig.json --noEmit && quiet node $typescript47 -p tsconfig.node10.json) &
old=$!
wait "$current" || fail "TypeScript 5 rejected the published types"
wait "$old" || fail "TypeScript 4.7 rejected the published types"

step "run: a CommonJS app, an ES module app, a Jest project (Jest $(node node_modules/jest/bin/jest.js --version))"
node cjs-app.cjs
node esm-app.mjs
node node_modules/jest/bin/jest.js --ci --rootDir jest
cd "$root"
echo "== packaging: done in ${SECONDS}s"
