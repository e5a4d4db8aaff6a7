#!/usr/bin/env bash
# Install (Debian's package) and start a PostgreSQL server for the run-store tests; print the
# SQLAlchemy URL of a role that may create test databases. Idempotent.
set -euo pipefail
exec 3>&1 1>&2  # everything goes to stderr except the URL printed at the end on fd 3
if [ ! -d /usr/lib/postgresql ] || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^${version} main$"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"
for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -p $port"; then break; fi
  sleep 1
done
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname = 'onewindow'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE ROLE onewindow LOGIN PASSWORD 'onewindow' CREATEDB\"" >/dev/null
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname = 'onewindow'\"" | grep -q 1 ||
  su postgres -c "createdb -p $port -O onewindow onewindow" >/dev/null
echo "postgresql+psycopg://onewindow:onewindow@127.0.0.1:${port}/onewindow" >&3
