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
        --peer_writes_per_second=1e9 --peer_write_burst=1e9)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

start_server() {  # $1 = name, rest = flags; prints the port
  local log="$WORK/$1.log"
  "$BIN/cmd/wijkwachtd/wijkwachtd" --listen=127.0.0.1:0 --data_dir="$WORK/$1" "${LIMITS[@]}" \
    "${@:2}" 2>"$log" &
  for _ in $(seq 100); do
    if grep -q "serving on port" "$log"; then
      sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$log"; return; fi
    sleep 0.1
  done
  echo "server $1 did not start" >&2; cat "$log" >&2; exit 1
}

loadgen() { "$BIN/tools/loadgen/wijkwacht_loadgen" --duration="$DURATION" --warmup=2 "$@"; }

echo "== 1. bare RPC vs durable SubmitReport (auth on)"
PORT=$(start_server on1)
loadgen --target=127.0.0.1:$PORT --mode=both
kill %1; wait %1 2>/dev/null || true

echo "== 2. SubmitReport, auth on vs off (alternating)"
for round in 1 2; do
  PORT=$(start_server "on$round-b")
  echo "-- round $round, auth on";  loadgen --target=127.0.0.1:$PORT --mode=submit | tail -3
  kill %%; wait 2>/dev/null || true
  PORT=$(start_server "off$round" --auth=false)
  echo "-- round $round, auth off"; loadgen --target=127.0.0.1:$PORT --mode=submit --no_auth | tail -3
  kill %%; wait 2>/dev/null || true
done

echo "== 3. token verification"
if [ -x "$BIN/auth/jwt_benchmark" ]; then
  "$BIN/auth/jwt_benchmark" --benchmark_min_time=1
fi
