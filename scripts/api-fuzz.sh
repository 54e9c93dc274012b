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

source scripts/demo-portal.sh

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
