#!/usr/bin/env bash
# Alternating A/B runs of two (or more) wijkwachtd binaries under the same load, for changes to
# the ingest path on a shared machine: each round starts every binary in turn on a fresh data
# dir, runs wijkwacht_loadgen against it and prints throughput, p50/p99 and the server's CPU
# time per report (whole process and its busiest threads: ww-writer is the serial section,
# ww-syncer the WAL write and fsync, ww-completer the replies, the others gRPC's threads).
# CPU per report is the figure that survives a busy machine; compare throughput only within a
# round.
#
# Usage: tools/bench/ab_ingest.sh ROUNDS SECONDS IN_FLIGHT SCENARIO BINARY...
#   e.g. tools/bench/ab_ingest.sh 3 6 128 mix /tmp/before/wijkwachtd build/cmd/wijkwachtd/wijkwachtd
# Env: LOADGEN (default build/tools/loadgen/wijkwacht_loadgen), MODE (loadgen --mode, default
#      submit), SERVER_FLAGS (extra wijkwachtd flags, e.g. --pipeline_only).
set -euo pipefail
ROUNDS=$1; DURATION=$2; IN_FLIGHT=$3; SCENARIO=$4; shift 4
LOADGEN=${LOADGEN:-build/tools/loadgen/wijkwacht_loadgen}
WORK=$(mktemp -d /tmp/ww-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

process_cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
thread_cpu() {
  for t in /proc/"$1"/task/*; do
    echo "$(basename "$t") $(awk '{print $14+$15}' "$t/stat") $(tr ' ' _ <"$t/comm")"
  done | sort
}

for _ in $(seq "$ROUNDS"); do
  for bin in "$@"; do
    d=$(mktemp -d "$WORK/run.XXXX")
    # shellcheck disable=SC2086
    "$bin" --listen=127.0.0.1:0 --http_listen= --data_dir="$d/data" \
      --device_writes_per_second=1e9 --device_write_burst=1e9 --peer_writes_per_second=1e9 \
      --peer_write_burst=1e9 --device_registration_burst=1e9 ${SERVER_FLAGS:-} >"$d/server.log" 2>&1 &
    pid=$!
    port=
    for _ in $(seq 200); do
      port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$d/server.log")
      [ -n "$port" ] && break
      sleep 0.1
    done
    [ -n "$port" ] || { echo "$bin did not start" >&2; cat "$d/server.log" >&2; exit 1; }
    c0=$(process_cpu $pid); thread_cpu $pid >"$d/t0"
    line=$("$LOADGEN" --target=127.0.0.1:"$port" --mode="${MODE:-submit}" --scenario="$SCENARIO" \
             --in_flight="$IN_FLIGHT" --duration="$DURATION" --warmup=2 --json 2>"$d/loadgen.txt")
    c1=$(process_cpu $pid); thread_cpu $pid >"$d/t1"
    top=$(join "$d/t0" "$d/t1" | awk '{print $4-$2, $3}' | sort -rn | head -6 |
          awk '{printf "%s:%s ", $2, $1}')
    kill $pid; wait $pid 2>/dev/null || true
    python3 - "$bin" "$line" "$c0" "$c1" "$top" <<'PY'
import json, sys
name, line, c0, c1, top = sys.argv[1:6]
d = json.loads(line)
s = d.get("submit", {})
n = max(s.get("issued_total", 0), 1)  # every report the server stored, warm-up included
ticks = int(c1) - int(c0)              # clock ticks (1/100 s)
threads = " ".join(f"{t.split(':')[0][:12]}:{int(t.split(':')[1]) * 1e4 / n:.0f}" for t in top.split())
out = (f"{name}  {s.get('qps', 0):7.0f}/s  p50 {s['latency_ms']['p50']:6.1f} ms  "
       f"p99 {s['latency_ms']['p99']:6.1f} ms  server CPU {ticks * 1e4 / n:4.0f} us/report  "
       f"busiest threads (us/report) {threads}")
if "health" in d:
    out += f"  health {d['health']['qps']:.0f}/s p99 {d['health']['latency_ms']['p99']:.1f} ms"
print(out, flush=True)
PY
  done
done
