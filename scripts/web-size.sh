#!/usr/bin/env bash
# Prints the weight of the web app's first load: raw and gzipped (gzip -9) bytes of every file in
# web/dist (HTML, JS, WASM, CSS) and the totals. Exits 1 if the gzipped total exceeds the budget
# (250000 bytes, or $WEB_SIZE_BUDGET), 2 if web/dist has not been built (scripts/build-web.sh).
# Usage: scripts/web-size.sh [dist-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-web/dist}
budget=${WEB_SIZE_BUDGET:-250000}

if [ ! -f "$dist/index.html" ]; then
  echo "web-size: $dist/index.html missing; run scripts/build-web.sh first" >&2
  exit 2
fi

shopt -s nullglob
files=("$dist"/index.html "$dist"/*.js "$dist"/*.wasm "$dist"/*.css)
raw_total=0
gz_total=0
printf '%-48s %10s %10s\n' file raw gzip
for f in "${files[@]}"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9c "$f" | wc -c)
  raw_total=$((raw_total + raw))
  gz_total=$((gz_total + gz))
  printf '%-48s %10d %10d\n' "${f#"$dist"/}" "$raw" "$gz"
done
printf '%-48s %10d %10d\n' total "$raw_total" "$gz_total"
if [ "$gz_total" -gt "$budget" ]; then
  echo "web-size: FAIL: $gz_total bytes gzipped exceeds the budget of $budget" >&2
  exit 1
fi
echo "web-size: ok: $gz_total bytes gzipped (budget $budget)"
