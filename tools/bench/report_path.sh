#!/usr/bin/env bash
# Measures the report path in one session, on this machine, against loopback only:
#   1. bare RPC (health check) vs durable SubmitReport, authentication on;
#   2. SubmitReport with authentication on vs off (two servers, run back to back, twice);
#   3. token verification cost (Google Benchmark).
# Usage: tools/bench/report_path.sh [duration_seconds]   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
BIN=${WIJKWACHT_BUILD:-build}  # the build folder
LIMITS=(--device_writes_per_second=1e9 --device_write_burst=1e9
        --peer_writes_per_second=1e9 --peer_write_burst=1e9 --device_registration_burst=1e9)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

SERVER_PID=
PORT=
start_server() {  # $1 = name, rest = flags; sets SERVER_PID and PORT
  local log="$WORK/$1.log"
  "$BIN/cmd/wijkwachtd/wijkwachtd" --listen=127.0.0.1:0 --data_dir="$WORK/$1" "${LIMITS[@]}" \
    "${@:2}" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$log")
    [ -n "$PORT" ] && return
    sleep 0.1
  done
  echo "server $1 did not start" >&2; cat "$log" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }

loadgen() { "$BIN/tools/loadgen/wijkwacht_loadgen" --duration="$DURATION" --warmup=2 "$@"; }

echo "== 1. bare RPC vs durable SubmitReport (auth on)"
start_server on1
loadgen --target=127.0.0.1:$PORT --mode=both
stop_server

echo "== 2. SubmitReport, auth on vs off (alternating)"
for round in 1 2; do
  start_server "on$round-b"
  echo "-- round $round, auth on";  loadgen --target=127.0.0.1:$PORT --mode=submit | tail -3
  stop_server
  start_server "off$round" --auth=false
  echo "-- round $round, auth off"; loadgen --target=127.0.0.1:$PORT --mode=submit --no_auth | tail -3
  stop_server
done

echo "== 3. token verification"
if [ -x "$BIN/auth/jwt_benchmark" ]; then
  "$BIN/auth/jwt_benchmark" --benchmark_min_time=1
fi
