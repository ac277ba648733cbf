#!/usr/bin/env bash
# Measures the HTTP side in one session, on this machine, against loopback only:
#   1. bare gRPC RPC (health check) and durable SubmitReport with per-call metrics on vs off
#      (--rpc_metrics; the server interceptor), alternating servers, twice;
#   2. GET /metrics vs GET /healthz (the baseline) on the same server, after the load.
# Usage: tools/bench/http_side.sh [duration_seconds]   (after scripts/build.sh; needs curl)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-8}
BIN=${WIJKWACHT_BUILD:-build}
LIMITS=(--device_writes_per_second=1e9 --device_write_burst=1e9
        --peer_writes_per_second=1e9 --peer_write_burst=1e9 --device_registration_burst=1e9)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

SERVER_PID= PORT= OPS_PORT=
start_server() {  # $1 = name, rest = flags
  local log="$WORK/$1.log"
  "$BIN/cmd/wijkwachtd/wijkwachtd" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 \
    --ops_http_listen=127.0.0.1:0 \
    --data_dir="$WORK/$1" "${LIMITS[@]}" "${@:2}" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$log")
    OPS_PORT=$(sed -n 's/.*ops http port \([0-9]*\).*/\1/p' "$log")
    [ -n "$PORT" ] && [ -n "$OPS_PORT" ] && return
    sleep 0.1
  done
  echo "server $1 did not start" >&2; cat "$log" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
loadgen() {
  "$BIN/tools/loadgen/wijkwacht_loadgen" --target=127.0.0.1:$PORT --mode=both \
    --duration="$DURATION" --warmup=2 | grep -E "^(health|submit)|qps|latency"
}
# p50 and p99 in ms of N sequential GETs of $1 on the ops listener (/metrics is served only
# there).
http_times() {
  for _ in $(seq "$2"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$OPS_PORT$1"
  done | sort -n | awk '{a[NR]=$1} END {printf "p50 %.3f ms  p99 %.3f ms\n", a[int(NR*0.5)]*1000, a[int(NR*0.99)]*1000}'
}

echo "== 1. per-call metrics on vs off (alternating)"
for round in 1 2; do
  start_server "on$round" --rpc_metrics=true
  echo "-- round $round, --rpc_metrics=true";  loadgen
  if [ "$round" = 2 ]; then
    echo "== 2. /metrics vs /healthz (200 GETs each, after the load above)"
    echo "/healthz  $(http_times /healthz 200)"
    echo "/metrics  $(http_times /metrics 200)  ($(curl -s "http://127.0.0.1:$OPS_PORT/metrics" | wc -l) lines)"
  fi
  stop_server
  start_server "off$round" --rpc_metrics=false
  echo "-- round $round, --rpc_metrics=false"; loadgen
  stop_server
done
