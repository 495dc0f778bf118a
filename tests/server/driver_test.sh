#!/usr/bin/env bash
# `kg serve` with the official Neo4j JavaScript driver: installs neo4j-driver
# from the npm registry into WORK/js (once), starts `kg serve --auth` on a
# free loopback port over a fresh database, runs driver_test.js against it,
# then stops the server with SIGTERM and expects a clean exit.
# Usage: driver_test.sh KG_BINARY WORK_DIR
# Exit 77 (skipped) when the npm registry cannot be reached.
set -u
kg=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
driver_version=6.3.0

mkdir -p "$work/js"
if [ ! -f "$work/js/node_modules/neo4j-driver/package.json" ] ||
   ! grep -q "\"version\": \"$driver_version\"" "$work/js/node_modules/neo4j-driver/package.json"; then
  if ! (cd "$work/js" && timeout 300 npm install --no-audit --no-fund --silent "neo4j-driver@$driver_version" >npm.log 2>&1); then
    echo "SKIPPED: cannot install neo4j-driver@$driver_version from the npm registry:"
    tail -5 "$work/js/npm.log"
    exit 77
  fi
fi
export NODE_PATH="$work/js/node_modules"

rm -rf "$work/db"
"$kg" serve --db "$work/db" --listen 127.0.0.1:0 --auth neo:secret >"$work/serve.out" 2>"$work/serve.log" &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*bolt:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.out")
  [ -n "$port" ] && break
  kill -0 $server 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAIL: kg serve did not start"
  cat "$work/serve.log"
  exit 1
fi

node "$here/driver_test.js" "$port" "$server"
status=$?

kill -TERM $server
wait $server
server_status=$?
if [ $server_status -ne 0 ]; then
  echo "FAIL: kg serve exited $server_status after SIGTERM"
  status=1
else
  echo "ok   kg serve stops cleanly on SIGTERM"
fi
if [ $status -ne 0 ]; then
  echo "--- server log"
  tail -40 "$work/serve.log"
fi
exit $status
