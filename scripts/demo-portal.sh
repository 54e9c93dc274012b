# Sourced by the suites that drive a running portal (e2e/run.sh, scripts/api-fuzz.sh): the small
# demo in a SQLite file of a temporary folder, served on a free local port. Sets `work` (the
# folder), `server` (the portal's process) and `address`; stops the portal and removes the folder
# on exit. Extra environment for the portal: PORTAL_ENV (for example "ENSEMBLE_LOG=debug").

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

target/debug/ensemble --database "sqlite://$work/demo.db" --key-file "$work/demo.key" demo --scale small > "$work/demo.log"
# Started directly (no subshell in between), so that $! is the portal itself.
env ${PORTAL_ENV:-} target/debug/ensemble --database "sqlite://$work/demo.db" --key-file "$work/demo.key" \
  serve --bind 127.0.0.1:0 > "$work/serve.log" 2>&1 &
server=$!
address=""
for _ in $(seq 1 100); do
  address="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/serve.log" | head -n1 || true)"
  [ -n "$address" ] && break
  sleep 0.1
done
if [ -z "$address" ]; then
  cat "$work/serve.log" >&2
  echo "the portal did not start" >&2
  exit 1
fi
