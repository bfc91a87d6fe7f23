#!/usr/bin/env bash
# Prints what a phone downloads on its first load of a built web bundle, measured on the wire: it
# starts the server (target/debug/haolin, brought up to date first, or $HAOLIN_BIN) on a scratch
# database serving the bundle, asks for the page with `Accept-Encoding: gzip, deflate, br, zstd`
# like a browser, then for everything the page references (scripts, the wasm, styles), and adds up
# the bytes received: headers and bodies as sent (compressed). Exits 1 over the budget (250000
# bytes, or $WEB_SIZE_BUDGET), 2 if the bundle has not been built (scripts/build-web.sh).
# Usage: scripts/web-size.sh [dist-dir]   (web/dist, web/dist/office or another built folder)
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-web/dist}
budget=${WEB_SIZE_BUDGET:-250000}
accept="gzip, deflate, br, zstd"

if [ ! -f "$dist/index.html" ]; then
  echo "web-size: $dist/index.html missing; run scripts/build-web.sh first" >&2
  exit 2
fi
# The office bundle lives under /office/ of the main web folder.
if [ "$(basename "$dist")" = office ]; then
  root=$(dirname "$dist")
  page=/office/
else
  root=$dist
  page=/
fi

# The debug server, brought up to date (the same selection as scripts/test.sh's build, so nothing
# is compiled twice), unless $HAOLIN_BIN names a binary.
bin=${HAOLIN_BIN:-target/debug/haolin}
if [ -z "${HAOLIN_BIN:-}" ]; then
  cargo build --quiet --workspace --bin haolin >&2
fi
scratch=$(mktemp -d)
log_file=$scratch/server.log
HAOLIN_BIND=127.0.0.1:0 HAOLIN_WEB_DIR="$root" DATABASE_URL="sqlite:$scratch/web-size.db" \
  RUST_LOG=warn HAOLIN_JWT_SECRET=web-size-measurement-only-0123456789 "$bin" >"$log_file" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$scratch"' EXIT
base=
for _ in $(seq 1 200); do
  base=$(sed -n 's/^haolin listening on \(http:[^ ]*\).*/\1/p' "$log_file" | head -1)
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log_file" >&2; echo "web-size: the server did not start" >&2; exit 2; }
  sleep 0.05
done
[ -n "$base" ] || { echo "web-size: the server did not start in 10 s" >&2; exit 2; }

# One fetch: prints "bytes-received content-encoding status" (headers + body as they came).
fetch() {
  curl -s -o /dev/null -H "Accept-Encoding: $accept" \
    -w '%{size_header} %{size_download} %header{content-encoding} %{http_code}' "$base$1" |
    awk '{print $1 + $2, ($3 == "" ? "identity" : $3), $4}'
}

# Everything the page references: href/src attributes and the module's string literals
# ('/…js', '/…wasm', '/…css'), on this server.
html=$(curl -s "$base$page")
mapfile -t refs < <(printf '%s' "$html" |
  grep -oE "(href|src)=\"/[^\"]+\"|'/[^']+\.(js|wasm|css)'" |
  sed -E "s/^(href|src)=\"//; s/\"$//; s/^'//; s/'$//" | awk '!seen[$0]++')

total=0
printf '%-56s %10s %-9s\n' "on the wire ($accept)" bytes encoding
for path in "$page" "${refs[@]}"; do
  read -r bytes enc status < <(fetch "$path")
  if [ "$status" != 200 ]; then
    echo "web-size: $path answered $status" >&2
    exit 1
  fi
  total=$((total + bytes))
  printf '%-56s %10d %-9s\n' "$path" "$bytes" "$enc"
done
printf '%-56s %10d\n' total "$total"
if [ "$total" -gt "$budget" ]; then
  echo "web-size: FAIL: $total bytes on the wire exceeds the budget of $budget" >&2
  exit 1
fi
echo "web-size: ok: $total bytes on the wire (budget $budget)"
