#!/usr/bin/env bash
# Compresses every file a browser fetches from a built web folder once, at the highest levels:
# `f.br` (brotli -q 11) and `f.gz` (gzip -9) beside each HTML, JS, WASM, CSS, SVG and JSON file.
# The server sends the twin the client accepts as it is (server/src/web.rs).
# Usage: scripts/precompress.sh DIR
set -euo pipefail
dir=${1:?usage: scripts/precompress.sh DIR}
command -v brotli >/dev/null || { echo "precompress: brotli is missing (scripts/setup.sh installs it)" >&2; exit 2; }
find "$dir" -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.svg' -o -name '*.json' \) \
  -print0 | while IFS= read -r -d '' f; do
  brotli -q 11 -f -o "$f.br" "$f"
  gzip -9 -n -c "$f" >"$f.gz"
done
