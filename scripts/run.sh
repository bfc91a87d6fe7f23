#!/usr/bin/env bash
# Installs what is missing, builds the web app and the server (release), then runs the server in
# the foreground with demo data on SQLite. Stop it with Ctrl-C.
# Usage: scripts/run.sh              (serves on 127.0.0.1:8080)
#        HAOLIN_BIND=0.0.0.0:8080 scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[run] %s\n' "$*" >&2; }

# setup.sh runs inside build-web.sh.
scripts/build-web.sh

log "cargo build --release -p haolin-server"
cargo build --release -p haolin-server

mkdir -p data
export HAOLIN_DEMO=1
export DATABASE_URL=sqlite:data/haolin.db
export HAOLIN_WEB_DIR=web/dist
export HAOLIN_BIND="${HAOLIN_BIND:-127.0.0.1:8080}"

log "starting Haolin with demo data on $DATABASE_URL"
log "open http://$HAOLIN_BIND/ (demo accounts are listed in README.md, password haolin123)"
exec target/release/haolin
