#!/usr/bin/env bash
# The JSON API tried by Schemathesis (PyPI), a property-based tester: every operation of
# /api/v1/openapi.json with requests made from the document, valid and not, and every check on
# the answers (status codes, schemas, headers, authentication). The one operation left out is the
# token's own revocation, which would end the run's token midway (its tests are in the web suite).
# Prints "api-fuzz: schemathesis passed" at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install -q 'schemathesis>=4.32,<5'
cargo build -q -p ensemble

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

target/debug/ensemble --database "sqlite://$work/api.db" --key-file "$work/api.key" demo --scale small > /dev/null
target/debug/ensemble --database "sqlite://$work/api.db" --key-file "$work/api.key" serve --bind 127.0.0.1:0 \
  > "$work/serve.log" 2>&1 &
server=$!
address=""
for _ in $(seq 1 100); do
  address="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/serve.log" | head -n1 || true)"
  [ -n "$address" ] && break
  sleep 0.1
done
[ -n "$address" ] || { cat "$work/serve.log" >&2; echo "the portal did not start" >&2; exit 1; }

# A token made as a person makes one: sign in, then ask the account page for a token.
jar="$work/cookies"
form=$(curl -s -c "$jar" "$address/connexion" | grep -oE 'name="csrf" value="[^"]+"' | head -n1 | cut -d'"' -f4)
curl -s -b "$jar" -c "$jar" -o /dev/null \
  --data-urlencode "login=analyste@deux-rivieres.example" --data-urlencode "password=ensemble-demo" \
  --data-urlencode "csrf=$form" "$address/connexion"
csrf=$(curl -s -b "$jar" "$address/compte" | grep -oE 'name="csrf" value="[^"]+"' | head -n1 | cut -d'"' -f4)
token=$(curl -s -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "label=schemathesis" "$address/compte/jetons" \
  | grep -oE 'class="secret">[0-9a-f]+' | cut -d'>' -f2)
[ -n "$token" ] || { echo "no API token could be made" >&2; exit 1; }

# Run from the temporary folder: Schemathesis keeps a cache where it runs.
(cd "$work" && schemathesis run "$address/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --exclude-operation-id token-revoke \
  --max-examples "${API_FUZZ_EXAMPLES:-60}" \
  --generation-deterministic \
  --workers 2)
echo "api-fuzz: schemathesis passed"
