#!/usr/bin/env bash
# Builds the web app (web/) once into web/dist with Trunk, in release mode and offline: the main
# bundle (web/index.html → web/dist), then the office bundle (web/office/index.html →
# web/dist/office, its files under /office/) and the orders bundle (web/orders/index.html →
# web/dist/orders, under /orders/: the work-order pages) and the volunteer bundle
# (web/volunteer/index.html → web/dist/volunteer, under /volunteer/: volunteer service and the time
# bank) and the figures bundle (web/figures/index.html → web/dist/figures, under /figures/: the
# figures for leaders and a member's own) and the neighbourhood bundle (web/neighbourhood/index.html →
# web/dist/neighbourhood, under /neighbourhood/: property ratings, service points, notices) — built
# after the main one because Trunk empties its
# dist folder.
# Skips the build when web/dist is newer than every input (web/, shared/src, the workspace's
# Cargo.toml and Cargo.lock, Trunk.toml, the build's scripts and the npm tools' lock file).
# Usage: scripts/build-web.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build-web] %s\n' "$*" >&2; }

# The pinned tools (trunk, wasm-bindgen, wasm-opt, esbuild) live here; Trunk.toml forbids downloads.
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

# Written into web/dist only after a successful build, carrying the time the build *started*, so a
# file edited during a build still counts as newer. Trunk empties web/dist on every build, and the
# server does not serve dot-files.
STAMP=web/dist/.built

if [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ -f web/dist/index.html ] && [ -f web/dist/office/index.html ] \
  && [ -f web/dist/orders/index.html ] && [ -f web/dist/volunteer/index.html ] && [ -f web/dist/figures/index.html ] \
  && [ -f web/dist/neighbourhood/index.html ]; then
  newer=$(find web shared/src Cargo.toml Cargo.lock Trunk.toml scripts/build-web.sh \
    scripts/minify-web.sh scripts/precompress.sh tools/package-lock.json \
    -path web/dist -prune -o -type f -newer "$STAMP" -print -quit)
  if [ -z "$newer" ]; then
    log "web/dist is up to date"
    scripts/web-size.sh resident >&2
    scripts/web-size.sh dispatcher >&2
    scripts/web-size.sh street >&2
    scripts/web-size.sh volunteer >&2
    scripts/web-size.sh figures >&2
    scripts/web-size.sh neighbourhood >&2
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
log "trunk build --release web/orders/index.html (the orders bundle, files under /orders/)"
trunk build --release --dist web/dist/orders --public-url /orders/ web/orders/index.html
log "trunk build --release web/volunteer/index.html (the volunteer bundle, files under /volunteer/)"
trunk build --release --dist web/dist/volunteer --public-url /volunteer/ web/volunteer/index.html
log "trunk build --release web/figures/index.html (the figures bundle, files under /figures/)"
trunk build --release --dist web/dist/figures --public-url /figures/ web/figures/index.html
log "trunk build --release web/neighbourhood/index.html (the neighbourhood bundle, files under /neighbourhood/)"
trunk build --release --dist web/dist/neighbourhood --public-url /neighbourhood/ web/neighbourhood/index.html
# The login page at the entry point (`/`, `/login`, `/register`): plain HTML and a few lines of
# script, no wasm (and no comments: every byte goes to every phone), so a dispatcher's first visit
# loads the login page and then only the office bundle. Its script saves the session exactly as
# web/src/session.rs keeps it (and picks the role as access::pick_role does), then loads the
# role's home; the server checks every field again (shared/src/domain) and its refusal is shown as
# it says. It links the main bundle's hashed stylesheet, which the bundles then find cached.
style=$(cd web/dist && ls style-*.css | head -1)
log "the login page (web/login/index.html → web/dist/login, stylesheet /$style)"
mkdir -p web/dist/login
sed "s|href=\"/style.css\"|href=\"/$style\"|" web/login/index.html >web/dist/login/index.html
grep -q "href=\"/$style\"" web/dist/login/index.html || { log "the login page's stylesheet link was not set"; exit 1; }
# The office, orders, volunteer, figures and neighbourhood bundles share that stylesheet (the same file, so the same hash and
# integrity) instead of their own copies: a dispatcher's desk finds it cached from the login page.
for bundle in office orders volunteer figures neighbourhood; do
  sed -i "s|href=\"/$bundle/$style\"|href=\"/$style\"|" "web/dist/$bundle/index.html"
  grep -q "href=\"/$style\"" "web/dist/$bundle/index.html" || { log "the $bundle bundle's stylesheet link was not set"; exit 1; }
  rm -f "web/dist/$bundle/$style"
done
# The wasm-bindgen glue and the stylesheets as Trunk wrote them keep their whitespace and comments:
# minified (esbuild), with the pages' integrity attributes set to the new content.
log "minifying the scripts and stylesheets of web/dist (esbuild)"
scripts/minify-web.sh web/dist
# Every file the browser fetches is compressed once, here, at the highest levels: the server sends
# the `.br` or `.gz` twin the client accepts as it is and never compresses these on the fly.
log "precompressing web/dist (brotli -q 11, gzip -9)"
scripts/precompress.sh web/dist
mv "$started" "$STAMP"
trap - EXIT

log "built web/dist in ${SECONDS}s"
# Prints what a phone receives on the wire on each first visit (per file and total) and fails
# over its budget (BENCHMARKS.md, "Web app weight"): a resident's (the login page, then the main
# bundle), a dispatcher's (the login page, then the office bundle) and a street officer's (the
# login page, then the orders bundle), a volunteer's (the login page, then the volunteer bundle)
# and a leader's figures (the login page, then the figures bundle) and a resident's neighbourhood
# pages (the login page, then the neighbourhood bundle).
scripts/web-size.sh resident >&2
scripts/web-size.sh dispatcher >&2
scripts/web-size.sh street >&2
scripts/web-size.sh volunteer >&2
scripts/web-size.sh figures >&2
scripts/web-size.sh neighbourhood >&2
