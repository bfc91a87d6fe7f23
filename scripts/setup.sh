#!/usr/bin/env bash
# Installs what building and testing Haolin needs, skipping whatever is already present.
# Usage: scripts/setup.sh [--services]
#   (no flag)   the Rust WASM target, Trunk, wasm-bindgen CLI, wasm-opt and esbuild (for the web app)
#   --services  also PostgreSQL, Redis, Chromium + ChromeDriver and a CJK font, started when needed
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
ESBUILD_VERSION=0.28.2

log() { printf '[setup] %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# test.sh runs `cargo fmt` and `cargo clippy`; a minimal rustup profile lacks them.
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    log "adding the $component component"
    rustup component add "$component"
  fi
done

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (slow the first time)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its own lock file names a crate version the registry does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# The npm tools pinned in tools/package.json: wasm-opt (binaryen) for Trunk, and esbuild, which
# minifies the built web app's scripts and stylesheets (scripts/minify-web.sh).
if ! wasm-opt --version 2>/dev/null | grep -q "version_$BINARYEN_VERSION" ||
  ! esbuild --version 2>/dev/null | grep -qx "$ESBUILD_VERSION"; then
  log "installing binaryen $BINARYEN_VERSION (wasm-opt) and esbuild $ESBUILD_VERSION"
  (cd tools && npm ci --no-audit --no-fund --silent)
fi

# The schema fuzzer test.sh runs (scripts/schemathesis.sh) and moto (the S3 server of the photo
# tests), in a virtualenv under tools/venv.
scripts/install-python-tools.sh
# build-web.sh precompresses the web app once at build time (brotli -q 11 and gzip -9).
if ! command -v brotli >/dev/null 2>&1; then
  log "installing brotli (to precompress the web app)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq brotli >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq brotli >/dev/null
  fi
fi

if [ "${1:-}" = "--services" ]; then
  if [ ! -x scripts/services.sh ]; then
    log "scripts/services.sh does not exist yet"
    exit 1
  fi
  scripts/services.sh
fi
log "tools ready"
