#!/usr/bin/env bash
# Headless Chromium for the dashboard's browser tests (packages/dashboard/test/browser).
#
#   chromium.sh start     install Debian's chromium if missing; print its version
#   chromium.sh status    print its version; exit 0 installed, 3 missing
#
# The tests drive /usr/bin/chromium with playwright-core (`executablePath`);
# no browser is ever downloaded. Nothing keeps running: each test launches its
# own headless browser with a fresh profile and closes it. Idempotent: a second
# `start` only checks. Fonts come with the package (fonts-liberation is a
# dependency), so screenshots show real text.
set -euo pipefail
SCRIPT_NAME=chromium.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

BIN=/usr/bin/chromium

version() { "$BIN" --version 2>/dev/null | head -n 1; }

case "${1:-}" in
  start)
    take_lock chromium
    ensure_packages chromium fonts-liberation
    v=$(version) || die "$BIN is installed but does not start"
    [ -n "$v" ] || die "$BIN --version printed nothing"
    say "$v ($BIN)"
    ;;
  status)
    if [ -x "$BIN" ] && v=$(version) && [ -n "$v" ]; then
      say "$v ($BIN)"
    else
      say "not installed"
      exit 3
    fi
    ;;
  *) echo "usage: $0 start|status" >&2; exit 2 ;;
esac
