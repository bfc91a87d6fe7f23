#!/usr/bin/env bash
# Runs every benchmark (bench/, the `haolin-bench` binary) on loopback against the release server
# and rewrites BENCHMARKS.md. Bounded: each load has a fixed number of requests and a time limit;
# the whole run takes a few minutes. Needs PostgreSQL (scripts/db-services.sh starts it) unless
# --backends sqlite is given. Extra arguments go to haolin-bench (see bench/src/main.rs).
# Usage: scripts/bench.sh [--backends sqlite,postgres] [--feeds-wishes 500000] [--feeds-residents 100000]
#        scripts/bench.sh --only scorecard [--backends sqlite]   # only a street's scorecard at seed
#          scale (generates the seed district per backend, a few minutes each); rewrites only its
#          section and targets rows of BENCHMARKS.md
#        scripts/bench.sh --only time_bank [--backends sqlite] [--time-bank-scale small]   # only a person's
#          time-bank balance and ledger pages at seed scale (generates the seed district per backend, a few
#          minutes each); rewrites only its section and targets rows of BENCHMARKS.md
#        scripts/bench.sh --only figures [--backends sqlite] [--scorecard-scale small]   # only the figures for
#          leaders (a street's and the district's year, a street's workload) at seed scale (generates the seed
#          district per backend, a few minutes each); rewrites only its section and targets rows of BENCHMARKS.md
#        scripts/bench.sh --only exports [--backends sqlite] [--exports-rows 500000]   # only exporting
#          the wishes as CSV and XLSX (RSS during vs idle, a concurrent list); rewrites only its section
#          and targets rows of BENCHMARKS.md
#        scripts/bench.sh --only uploads [--backends sqlite] [--upload-phones 10,50,100] [--upload-rounds 4]
#          (10, 50 and 100 phones send their own 2 MB JPEG at once, in rounds; a few minutes a backend); rewrites
#          only its section of BENCHMARKS.md
set -euo pipefail
cd "$(dirname "$0")/.."

# 1,000 simultaneous clients, each with its own connection, on both ends of loopback.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [[ " $* " != *" --backends sqlite "* ]]; then
  scripts/db-services.sh
fi
cargo build --release -p haolin-server -p haolin-bench

if [[ " $* " == *" --only "* ]]; then
  exec target/release/haolin-bench --bin target/release/haolin --out BENCHMARKS.md "$@"
fi

# The web app's two bundles (rebuilt only when their sources changed) and its floor, a bare Leptos
# "hello" built with the same profile and wasm-opt flags and minified the same way
# (bench/web-floor); all measured by scripts/web-size.sh (a resident's first visit first, then a
# dispatcher's, then the floor).
scripts/build-web.sh
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
(cd bench/web-floor && trunk --config Trunk.toml build --release)
scripts/minify-web.sh bench/web-floor/dist
scripts/precompress.sh bench/web-floor/dist
web_size=$(mktemp)
trap 'rm -f "$web_size"' EXIT
{
  scripts/web-size.sh resident || true
  echo
  echo "dispatcher: the login page, then the office bundle (staff pages, check-in paperwork)"
  scripts/web-size.sh dispatcher || true
  echo
  echo "floor: bench/web-floor, a bare Leptos \"hello\" with the same profile"
  WEB_SIZE_BUDGET=999999999 scripts/web-size.sh bench/web-floor/dist
} >"$web_size" 2>&1

target/release/haolin-bench --bin target/release/haolin --out BENCHMARKS.md --web-size "$web_size" "$@"
