#!/usr/bin/env bash
# Prints what a phone downloads on a first visit to the built web app (web/dist, or $WEB_DIST),
# measured on the wire: it starts the server (target/debug/haolin, brought up to date first, or
# $HAOLIN_BIN) on a scratch database serving the app, opens each page of the visit with
# `Accept-Encoding: gzip, deflate, br, zstd` like a browser, then everything the page references
# (scripts, the wasm, styles), and adds up the bytes received: headers and bodies as sent
# (compressed). A file already fetched by an earlier page of the visit is counted once (hashed
# files are cached as immutable). The visits:
#   resident    (the default) the login page at `/`, then the main bundle at `/resident`; budget
#               180000 (issue 12)
#   dispatcher  the login page at `/`, then the office bundle at `/dispatcher`; budget 260000
#   member      the login page at `/`, then the office bundle at `/member` (the pool); budget 260000
#   street      the login page at `/`, then the orders bundle at `/street` (the work-order pages);
#               budget 260000
#   volunteer   the login page at `/`, then the volunteer bundle at `/volunteer` (activities near
#               me, the time bank); budget 260000
#   figures     the login page at `/`, then the figures bundle at `/figures` (a place's figures,
#               its members' workload); budget 260000
#   neighbourhood  the login page at `/`, then the neighbourhood bundle at `/points` (service points,
#               property ratings, notices); budget 260000
#   main        the main bundle alone (`/resident`); budget 180000. office: the office bundle alone
#               (`/dispatcher`); budget 260000. orders: the orders bundle alone (`/street`); 260000.
#               volunteer-only: the volunteer bundle alone (`/volunteer`); 260000. figures-only:
#               the figures bundle alone (`/figures`); 260000
#   DIR         any other built folder's page at `/` alone (e.g. bench/web-floor/dist); budget 250000
# Exits 1 over the budget ($WEB_SIZE_BUDGET overrides it), 2 if the app has not been built
# (scripts/build-web.sh).
# Usage: scripts/web-size.sh [resident|dispatcher|member|street|volunteer|figures|neighbourhood|main|office|orders|volunteer-only|figures-only|DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=${WEB_DIST:-web/dist}
visit=${1:-resident}
accept="gzip, deflate, br, zstd"
needs=(index.html office/index.html orders/index.html volunteer/index.html figures/index.html neighbourhood/index.html login/index.html)
case "$visit" in
  resident) pages=(/ /resident) budget=180000 ;;
  dispatcher) pages=(/ /dispatcher) budget=260000 ;;
  member) pages=(/ /member) budget=260000 ;;
  street) pages=(/ /street) budget=260000 ;;
  volunteer) pages=(/ /volunteer) budget=260000 ;;
  figures) pages=(/ /figures) budget=260000 ;;
  neighbourhood) pages=(/ /points) budget=260000 ;;
  main) pages=(/resident) budget=180000 ;;
  office) pages=(/dispatcher) budget=260000 ;;
  orders) pages=(/street) budget=260000 ;;
  volunteer-only) pages=(/volunteer) budget=260000 ;;
  figures-only) pages=(/figures) budget=260000 ;;
  *)
    [ -d "$visit" ] || { echo "usage: scripts/web-size.sh [resident|dispatcher|member|street|volunteer|figures|neighbourhood|main|office|orders|volunteer-only|figures-only|DIR]" >&2; exit 2; }
    root=$visit pages=(/) budget=250000 needs=(index.html) ;;
esac
budget=${WEB_SIZE_BUDGET:-$budget}

for built in "${needs[@]}"; do
  if [ ! -f "$root/$built" ]; then
    echo "web-size: $root/$built missing; run scripts/build-web.sh first" >&2
    exit 2
  fi
done

# The debug server, brought up to date (the same selection as scripts/test.sh's build, so nothing
# is compiled twice), unless $HAOLIN_BIN names a binary.
bin=${HAOLIN_BIN:-target/debug/haolin}
if [ -z "${HAOLIN_BIN:-}" ]; then
  cargo build --quiet --workspace --bin haolin >&2
fi
scratch=$(mktemp -d)
log_file=$scratch/server.log
# Created here, not by the server's redirection: the loop below may read it before the background
# process has opened it.
: >"$log_file"
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

# Everything a page loads: href/src attributes naming a file (scripts, styles, images; not links
# to other pages) and the module's string literals ('/…js', '/…wasm', '/…css'), on this server.
refs_of() {
  curl -s "$base$1" |
    grep -oE "(href|src)=\"/[^\"]+\.(js|wasm|css|ico|png|svg|json)\"|'/[^']+\.(js|wasm|css)'" |
    sed -E "s/^(href|src)=\"//; s/\"$//; s/^'//; s/'$//"
}

total=0
declare -A seen=()
printf '%-56s %10s %-9s\n' "$visit, on the wire ($accept)" bytes encoding
for page in "${pages[@]}"; do
  mapfile -t refs < <(refs_of "$page")
  for path in "$page" "${refs[@]}"; do
    [ -n "${seen[$path]:-}" ] && continue
    seen[$path]=1
    read -r bytes enc status < <(fetch "$path")
    if [ "$status" != 200 ]; then
      echo "web-size: $path answered $status" >&2
      exit 1
    fi
    total=$((total + bytes))
    printf '%-56s %10d %-9s\n' "$path" "$bytes" "$enc"
  done
done
printf '%-56s %10d\n' total "$total"
if [ "$total" -gt "$budget" ]; then
  echo "web-size: FAIL: $visit: $total bytes on the wire exceeds the budget of $budget" >&2
  exit 1
fi
echo "web-size: ok: $visit: $total bytes on the wire (budget $budget)"
