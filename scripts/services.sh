#!/usr/bin/env bash
# Installs (and, later, starts) the services the tests need, skipping whatever is already present,
# so a second run takes well under a second. Called by `scripts/setup.sh --services`.
# Runs as root on a fresh Debian 12 machine (or with passwordless sudo otherwise).
# Usage: scripts/services.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[services] %s\n' "$*" >&2; }

# apt-get as root, or through sudo when run by another user.
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  SUDO=(sudo)
fi

# Debian packages still missing; installed together at the end of each section with one
# `apt-get update` (only when something must be installed at all).
MISSING=()
APT_UPDATED=0
apt_install() {
  [ "$#" -gt 0 ] || return 0
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# --- Browser tests (tests/browser): headless Chromium and a CJK font -------------------------
# playwright-core drives Debian's /usr/bin/chromium (downloading a browser does not work here).
if ! command -v chromium >/dev/null 2>&1; then
  MISSING+=(chromium)
fi
# Without a CJK font, Chinese text renders as empty boxes and the screenshots are worthless.
# (grep without -q reads all of fc-list's output: with pipefail, an early exit would SIGPIPE it.)
if ! fc-list 2>/dev/null | grep -i wqy >/dev/null; then
  MISSING+=(fonts-wqy-zenhei)
fi
# fc-list itself comes with fontconfig (a dependency of chromium); ask for it on a bare machine.
if ! command -v fc-list >/dev/null 2>&1; then
  MISSING+=(fontconfig)
fi
apt_install "${MISSING[@]}"
MISSING=()

# playwright-core (pinned in tests/browser/package-lock.json) drives that Chromium; it downloads
# no browser of its own. test.sh installs it too, so this only spares a developer a step.
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  log "npm ci in tests/browser (playwright-core)"
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi

# --- PostgreSQL and Redis --------------------------------------------------------------------
# The production backends, for the PostgreSQL pass of the API suite and the cluster tests.
scripts/db-services.sh

log "chromium: $(chromium --version 2>/dev/null || echo missing)"
log "services ready"
