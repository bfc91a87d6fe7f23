#!/usr/bin/env bash
# Builds the web app (web/) once into web/dist with Trunk, in release mode and offline: the main
# bundle (web/index.html → web/dist) and then the office bundle (web/office/index.html →
# web/dist/office, its files under /office/; built second because Trunk empties its dist folder).
# Skips the build when web/dist is newer than every input (web/, shared/src, the workspace's
# Cargo.toml and Cargo.lock, Trunk.toml). Usage: scripts/build-web.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build-web] %s\n' "$*" >&2; }

# The pinned tools (trunk, wasm-bindgen, wasm-opt) live here; Trunk.toml forbids downloads.
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

# Written into web/dist only after a successful build, carrying the time the build *started*, so a
# file edited during a build still counts as newer. Trunk empties web/dist on every build, and the
# server does not serve dot-files.
STAMP=web/dist/.built
# The office bundle's budget in gzipped bytes (BENCHMARKS.md, "Web app weight").
OFFICE_BUDGET=300000

if [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ -f web/dist/index.html ] && [ -f web/dist/office/index.html ]; then
  newer=$(find web shared/src Cargo.toml Cargo.lock Trunk.toml \
    -path web/dist -prune -o -type f -newer "$STAMP" -print -quit)
  if [ -z "$newer" ]; then
    log "web/dist is up to date"
    scripts/web-size.sh >&2
    WEB_SIZE_BUDGET=$OFFICE_BUDGET scripts/web-size.sh web/dist/office >&2
    exit 0
  fi
  log "rebuilding: $newer changed"
fi

mkdir -p target
started=$(mktemp target/.web-build-started.XXXXXX)
trap 'rm -f "$started"' EXIT
log "trunk build --release (profile wasm-release, wasm-opt -Oz)"
SECONDS=0
# web/index.html selects the size-tuned `wasm-release` Cargo profile for release builds
# (`data-cargo-profile-release`), so `--cargo-profile wasm-release` is not repeated here: Trunk
# would only warn that the HTML setting overrides it.
trunk build --release
log "trunk build --release web/office/index.html (the office bundle, files under /office/)"
trunk build --release --dist web/dist/office --public-url /office/ web/office/index.html
# Every file the browser fetches is compressed once, here, at the highest levels: the server sends
# the `.br` or `.gz` twin the client accepts as it is and never compresses these on the fly.
log "precompressing web/dist (brotli -q 11, gzip -9)"
scripts/precompress.sh web/dist
mv "$started" "$STAMP"
trap - EXIT

log "built web/dist in ${SECONDS}s"
# Prints the first-load weight (raw and gzipped, per file and total) of each bundle and fails
# over its budget: 250000 bytes for the main bundle, what a resident's phone loads first;
# $OFFICE_BUDGET for the office bundle of staff pages and check-in paperwork.
scripts/web-size.sh >&2
WEB_SIZE_BUDGET=$OFFICE_BUDGET scripts/web-size.sh web/dist/office >&2
