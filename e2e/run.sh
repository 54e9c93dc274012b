#!/usr/bin/env bash
# Runs the browser tests: builds Ensemble, generates the small demo in a temporary SQLite file,
# serves it on a free local port, and drives Debian's Chromium (headless) through it with
# playwright-core. Prints "E2E: N steps passed" at the end, or fails with a screenshot in
# e2e/failures/. Extra environment: SCREENSHOTS=folder also saves the README's screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium is missing: apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
cargo build -q -p ensemble
(cd e2e && npm ci --no-audit --no-fund --silent)

PORTAL_ENV="ENSEMBLE_LOG=debug" source scripts/demo-portal.sh
echo "portal at $address"
rm -rf e2e/failures
node e2e/portal.mjs "$address"

# Stopped as a service manager stops it: no upload is left behind.
kill -TERM "$server"
wait "$server" || true
server=""
if [ -n "$(ls -A "$work/ensemble-uploads" 2>/dev/null)" ]; then
  echo "uploads were left behind when the portal stopped: $(ls "$work/ensemble-uploads")" >&2
  exit 1
fi
echo "E2E: no upload left behind once the portal stopped"

# The server's log: a line per request, and no personal value typed or imported during the run
# (the sample file's emails and postal codes, the rights request's email, the logins and the
# password), nor any email address at all.
log="$work/serve.log"
answered=$(grep -c 'ensemble::request: answered' "$log" || true)
if [ "$answered" -lt 50 ]; then
  echo "the portal logged $answered requests; a line per request was expected" >&2
  exit 1
fi
sample=crates/ensemble-ingest/tests/data/vendors/generic-tickets-bad.csv
planted=(ensemble-demo aurele.fictif0 "J1H 5N4" "J1H5N4")
while IFS= read -r value; do planted+=("$value"); done < <(grep -oE '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+' "$sample" | sort -u)
for value in "${planted[@]}"; do
  if grep -qiF -- "$value" "$log"; then
    echo "a personal value reached the server's log: $value" >&2
    exit 1
  fi
done
if grep -qE '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]' "$log"; then
  echo "an email address reached the server's log" >&2
  exit 1
fi
echo "E2E: the server logged $answered requests and none of ${#planted[@]} planted personal values"
