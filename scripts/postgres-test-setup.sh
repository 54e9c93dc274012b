#!/usr/bin/env bash
# Prepares a local PostgreSQL server for the store conformance suite and prints the URL to use.
#
#   export ENSEMBLE_TEST_POSTGRES_URL=$(bash scripts/postgres-test-setup.sh)
#
# Runs as root on Debian, without systemd, and can be run again safely: it installs PostgreSQL from
# Debian's packages when it is missing, starts the installed cluster when it is down, sets the
# password of the `postgres` role (TCP logins use scram-sha-256) and waits until the server accepts
# connections. Only the URL goes to stdout; every other message goes to stderr.
set -euo pipefail

readonly PASSWORD="postgres"
readonly PORT="5432"
readonly URL="postgres://postgres:${PASSWORD}@127.0.0.1:${PORT}/postgres"

log() {
    echo "postgres-test-setup: $*" >&2
}

if [[ "$(id -u)" -ne 0 ]]; then
    log "run this script as root"
    exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "installing PostgreSQL from the Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
fi

# The newest installed cluster version (Debian creates the `main` cluster on install).
version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
if [[ -z "${version}" ]]; then
    log "no PostgreSQL cluster found under /etc/postgresql"
    exit 1
fi
if [[ ! -d "/etc/postgresql/${version}/main" ]]; then
    log "creating the cluster ${version}/main"
    pg_createcluster "${version}" main >&2
fi

if pg_ctlcluster "${version}" main status >/dev/null 2>&1; then
    log "cluster ${version}/main is already running"
else
    log "starting cluster ${version}/main"
    pg_ctlcluster --skip-systemctl-redirect "${version}" main start >&2
fi

# Wait (at most 30 seconds) until the server accepts connections.
ready=0
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "${PORT}"; then
        ready=1
        break
    fi
    sleep 0.5
done
if [[ "${ready}" -ne 1 ]]; then
    log "the server did not accept connections on 127.0.0.1:${PORT} within 30 seconds"
    exit 1
fi

log "setting the password of the postgres role"
# Run from / so that psql does not complain about an unreadable working directory.
(cd / && su postgres -c "psql --quiet --no-psqlrc -v ON_ERROR_STOP=1 -c \"ALTER USER postgres WITH PASSWORD '${PASSWORD}'\"") >&2

# Check the password login over TCP, as the tests will do it.
if ! PGPASSWORD="${PASSWORD}" psql --quiet --no-psqlrc -h 127.0.0.1 -p "${PORT}" -U postgres -d postgres \
    -c "SELECT 1" >/dev/null 2>&1; then
    log "the password login over TCP to 127.0.0.1:${PORT} failed"
    exit 1
fi

log "ready"
echo "${URL}"
