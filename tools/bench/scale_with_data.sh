#!/usr/bin/env bash
# Ingest on an empty store vs a store already holding many reports and incidents (loaded
# through the real write path, SyncService.Push), and the restart time of the loaded store
# (process start to serving, the in-memory incident rebuild included). Loopback only.
# Usage: tools/bench/scale_with_data.sh [preload seconds, default 120] [measure seconds, 10]
#   (after scripts/build.sh). Env: WIJKWACHT_BUILD (build dir, default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
PRELOAD=${1:-120}
DURATION=${2:-10}
BIN=${WIJKWACHT_BUILD:-build}
WORK=$(mktemp -d /tmp/ww-scale.XXXXXX)
LIMITS=(--device_writes_per_second=1e9 --device_write_burst=1e9
        --peer_writes_per_second=1e9 --peer_write_burst=1e9 --device_registration_burst=1e9)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

PORT=
start_server() {  # $1 = data dir name; prints seconds from spawn to serving
  local log="$WORK/$1.$(date +%s%N).log" t0 t1
  t0=$(date +%s.%N)
  "$BIN/cmd/wijkwachtd/wijkwachtd" --listen=127.0.0.1:0 --http_listen= \
    --data_dir="$WORK/$1" "${LIMITS[@]}" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 6000); do
    PORT=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$log")
    if [ -n "$PORT" ]; then
      t1=$(date +%s.%N)
      echo "  start: $(grep -o '[0-9]* open incidents loaded into memory in [^ ]*' "$log" || true); serving after $(python3 -c "print(f'{$t1 - $t0:.2f}')") s" >&2
      return
    fi
    sleep 0.01
  done
  echo "server did not start" >&2; cat "$log" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }
submit_qps() {
  "$BIN/tools/loadgen/wijkwacht_loadgen" --target=127.0.0.1:$PORT --mode=submit \
    --duration="$DURATION" --warmup=2 --json 2>"$WORK/submit.txt" |
    python3 -c "import json,sys; d=json.load(sys.stdin)['submit']; print(f\"{d['qps']:.0f} {d['latency_ms']['p99']:.1f}\")"
}

echo "== empty store" >&2
start_server data
read -r EMPTY EMPTY_P99 <<<"$(submit_qps)"
echo "  durable SubmitReport: $EMPTY/s, p99 $EMPTY_P99 ms" >&2
echo "== preloading for ${PRELOAD}s (Push, 100 reports a call)" >&2
"$BIN/tools/loadgen/wijkwacht_loadgen" --target=127.0.0.1:$PORT --mode=push --batch=100 \
  --in_flight=4 --duration="$PRELOAD" --warmup=0 2>&1 | grep -E "stored in all|reports stored/s" >&2
stop_server
echo "== restart of the loaded store" >&2
start_server data
read -r LOADED LOADED_P99 <<<"$(submit_qps)"
echo "  durable SubmitReport: $LOADED/s, p99 $LOADED_P99 ms" >&2
stop_server
echo "== second restart (warm page cache)" >&2
start_server data
stop_server
echo "loaded / empty ingest: $(python3 -c "print(f'{$LOADED / $EMPTY:.2f}')")"
