#!/usr/bin/env bash
# Installs (when missing) and starts PostgreSQL and Redis on loopback for the tests, and creates the
# test role. Idempotent: what is present and running is left alone.
#   PostgreSQL: the Debian cluster on 127.0.0.1:5432, role `haolin` (password `haolin`, CREATEDB)
#   Redis:      127.0.0.1:6379, no persistence
set -euo pipefail

log() { printf '[db-services] %s\n' "$*" >&2; }

need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The fault-injection tests write to a test's database directly.
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# PostgreSQL: start the first cluster (creating one if the package made none).
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  log "creating PostgreSQL $version cluster"
  pg_createcluster "$version" main >/dev/null
fi
read -r version cluster port status _ < <(pg_lsclusters -h | head -1)
if [ "$status" != "online" ]; then
  log "starting PostgreSQL $version/$cluster on port $port"
  pg_ctlcluster "$version" "$cluster" start
fi
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$port" || { log "PostgreSQL did not become ready"; exit 1; }
if ! runuser -u postgres -- psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'haolin'" | grep -q 1; then
  log "creating role haolin"
  runuser -u postgres -- psql -p "$port" -qc "CREATE ROLE haolin LOGIN PASSWORD 'haolin' CREATEDB"
fi

# Redis: start one on 6379 unless something answers there.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { log "Redis did not start"; exit 1; }
log "PostgreSQL on 127.0.0.1:$port and Redis on 127.0.0.1:6379 are up"
