#!/usr/bin/env bash
# Installs the Python tools the tests run into a virtualenv under tools/venv (git-ignored):
# schemathesis (the OpenAPI fuzzer scripts/schemathesis.sh runs) and moto (a real S3-compatible
# server on loopback, `moto_server`, for the photo tests of the S3 store). Skips what is already
# there at the pinned version.
# Usage: scripts/install-python-tools.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
MOTO_VERSION=5.2.5
VENV=tools/venv

log() { printf '[setup] %s\n' "$*" >&2; }

installed() { "$VENV/bin/python" -m pip show "$1" 2>/dev/null | grep -x "Version: $2" >/dev/null; }
if [ -x "$VENV/bin/st" ] && "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  if [ -x "$VENV/bin/moto_server" ] && installed moto "$MOTO_VERSION"; then
    exit 0
  fi
  log "installing moto $MOTO_VERSION into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
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
log "installing schemathesis $SCHEMATHESIS_VERSION and moto $MOTO_VERSION into $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION" "moto[server]==$MOTO_VERSION"
"$VENV/bin/st" --version
