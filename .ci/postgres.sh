#!/usr/bin/env bash
# Install (Debian's package) and start a PostgreSQL server for the run-store tests; print the
# SQLAlchemy URL of a role that may create test databases into the file named by $1.
# Idempotent. `postgres.sh --stop` stops the server again. The URL goes to a file, never through a pipe: a daemon started here must not
# hold the caller's pipe open (a `$(...)` around this script would then wait forever).
set -euo pipefail
url_file="$1"
exec </dev/null 1>&2
if [ "$url_file" = "--stop" ]; then  # never installs anything
  for version in $(ls /usr/lib/postgresql 2>/dev/null); do
    pg_ctlcluster "$version" main stop </dev/null >/dev/null 2>&1 || true
  done
  exit 0
fi
if [ ! -d /usr/lib/postgresql ] || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  # The package may start a server itself: it must not inherit our stdout or stderr.
  log="$(mktemp)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } \
    </dev/null >"$log" 2>&1; then
    cat "$log"
    exit 1
  fi
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^${version} main$"; then
  pg_createcluster "$version" main >/dev/null
fi
# The server gets no descriptor of ours: stdin, stdout and stderr go to /dev/null.
pg_ctlcluster "$version" main start </dev/null >/dev/null 2>&1 || true
port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"
for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -p $port"; then break; fi
  sleep 1
done
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname = 'onewindow'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE ROLE onewindow LOGIN PASSWORD 'onewindow' CREATEDB\"" >/dev/null
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname = 'onewindow'\"" | grep -q 1 ||
  su postgres -c "createdb -p $port -O onewindow onewindow" >/dev/null
echo "postgresql+psycopg://onewindow:onewindow@127.0.0.1:${port}/onewindow" >"$url_file"
