#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer scripts/schemathesis.sh runs) into a virtualenv under
# tools/venv (git-ignored), skipping the install when the pinned version is already there.
# Usage: scripts/install-schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=tools/venv

log() { printf '[setup] %s\n' "$*" >&2; }

if [ -x "$VENV/bin/st" ] && "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  exit 0
fi
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  else
    log "python3 with venv and ensurepip is needed (Debian: apt-get install python3-venv)"
    exit 1
  fi
fi
log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
"$VENV/bin/st" --version
