#!/usr/bin/env bash
# Scale with data (issue 13, items 3 and 4): wijkwachtd on a store of N reports, in one run on
# one machine, against the same server on an empty store.
#
#   1. ingest on an EMPTY store: wijkwacht_loadgen --mode=submit (the Beverwijk mix, 128 in
#      flight, auth on, one device per channel), fresh data dir;
#   2. LOAD N reports (default 1,000,000) into another fresh data dir through the server's
#      real write path: SyncService.Push, 100 reports a call, 4 calls in flight, one device per
#      channel (--scenario=spread: events over Beverwijk's buurten, the texts and so the five
#      themes, and the last SPREAD_DAYS days; ~30 % of the reports a new event, the rest more
#      reports of one). Prints the load time and what the store holds: reports and incidents by
#      theme, as the server answered each Push;
#   3. RESTART (SIGTERM, start again): seconds from process start to the first SERVING health
#      check and to the first stored SubmitReport (wijkwacht_loadgen --mode=ready), and the
#      server's own "open incidents loaded into memory" line;
#   4. ingest on the FULL store, the same loadgen settings as 1;
#   5. the map, on the full store restarted with --auth=false (wijkwacht_map_bench --target,
#      trusted callers): GetAggregates for the 31 buurten x 5 themes x 26 weeks, p50/p99 beside
#      the health check's p99 in the same run; ingest (32 blocking writers) without and with 50
#      StreamAggregates subscribers; submit ack -> stream update p99 at 80 % of that capacity.
#   6. ROUNDS more alternating pairs of 1 and 4 (a fresh empty store, then the loaded one),
#      since on a shared machine one pair can differ by tens of percent; the table gives
#      every pair's ratio and their median.
#   One table at the end, with the writer thread's CPU per report (ww-writer's user+system
#   time over each ingest run divided by the reports it issued).
#
# Every server runs with the write limits lifted, --max_report_age covering the spread (the
# loaded history must be accepted, and the restart then keeps all of its open incidents in
# reach: the harder case for the index rebuild) and --map_stream_interval=STREAM_INTERVAL_MS.
# The load goes through the server, not an in-process shortcut: Push runs the very code a
# phone's offline queue does (validation, area, theme, dedup against the open incidents,
# one durable group commit per batch), so the store is what production would hold.
#
# Usage: tools/bench/scale.sh [N, default 1000000] [measured seconds per phase, default 10]
# Env: WIJKWACHT_BUILD (default build), SPREAD_DAYS (182), NEW_EVENT_SHARE (0.3),
#      STREAM_INTERVAL_MS (100), ROUNDS (2), WORK (a folder for the data dirs; default a new one under
#      /tmp, removed at the end unless KEEP=1), REUSE (the full/ data dir of a KEEP=1 run:
#      copied instead of step 2's load, so two builds are measured on the same store).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
DURATION=${2:-10}
BIN=${WIJKWACHT_BUILD:-build}
SPREAD_DAYS=${SPREAD_DAYS:-182}
NEW_EVENT_SHARE=${NEW_EVENT_SHARE:-0.3}
STREAM_INTERVAL_MS=${STREAM_INTERVAL_MS:-100}
WORK=${WORK:-$(mktemp -d /tmp/ww-scale.XXXXXX)}
mkdir -p "$WORK"
SERVERD="$BIN/cmd/wijkwachtd/wijkwachtd"
LOADGEN="$BIN/tools/loadgen/wijkwacht_loadgen"
MAPBENCH="$BIN/tools/map_bench/wijkwacht_map_bench"
for b in "$SERVERD" "$LOADGEN" "$MAPBENCH"; do
  [ -x "$b" ] || { echo "missing $b: gmake -C $BIN wijkwachtd wijkwacht_loadgen wijkwacht_map_bench" >&2; exit 1; }
done
SERVER_FLAGS=(--http_listen= --device_writes_per_second=1e9 --device_write_burst=1e9
              --peer_writes_per_second=1e9 --peer_write_burst=1e9 --device_registration_burst=1e9
              --max_report_age=$((SPREAD_DAYS * 24 + 48))h --map_stream_interval="${STREAM_INTERVAL_MS}ms"
              --max_streams_per_address=0)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT
R="$WORK/results"; mkdir -p "$R"

PORT=
# start_server NAME LABEL [extra flags]: starts wijkwachtd on $WORK/NAME and waits until it
# serves; the restart figures go to $R/LABEL.ready.json and the server's load line to
# $R/LABEL.loaded.
start_server() {
  local name=$1 label=$2; shift 2
  PORT=$((20000 + RANDOM % 40000))
  local log="$R/$label.server.log" ready_flags=()
  [[ " $* " == *" --auth=false "* ]] && ready_flags=(--no_auth)
  local t0; t0=$(date +%s%N)
  "$SERVERD" --listen=127.0.0.1:$PORT --data_dir="$WORK/$name" "${SERVER_FLAGS[@]}" "$@" \
    >"$log" 2>&1 &
  SERVER_PID=$!
  if ! "$LOADGEN" --target=127.0.0.1:$PORT --mode=ready --since_unix_ns="$t0" "${ready_flags[@]}" \
       --json >"$R/$label.ready.json" 2>"$R/$label.ready.txt"; then
    echo "$label: the server did not come up" >&2; cat "$R/$label.ready.txt" "$log" >&2; exit 1
  fi
  grep -o '[0-9]* open incidents loaded into memory in [^ ]*' "$log" >"$R/$label.loaded" || true
  echo "  $label: $(cat "$R/$label.ready.txt" | tail -1); $(cat "$R/$label.loaded")" >&2
}
stop_server() {  # SIGTERM: a clean stop (memtables flushed); prints the seconds it took
  local t0; t0=$(date +%s%N)
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  echo "  stopped in $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
}
# writer_ticks: CPU clock ticks (user + system) of the server's writer thread (ww-writer) so far.
writer_ticks() {
  local task
  for task in /proc/"$SERVER_PID"/task/*; do
    if [ "$(cat "$task/comm" 2>/dev/null)" = ww-writer ]; then
      awk '{ print $14 + $15 }' "$task/stat"; return
    fi
  done
  echo 0
}
submit() {  # LABEL: the ingest measurement, the same settings every time
  local t0; t0=$(writer_ticks)
  "$LOADGEN" --target=127.0.0.1:$PORT --mode=submit --in_flight=128 --duration="$DURATION" \
    --warmup=2 --json >"$R/$1.json" 2>"$R/$1.txt"
  # The writer thread's CPU per report over the whole run (warmup and drain included).
  echo "$(( $(writer_ticks) - t0 )) $(getconf CLK_TCK)" >"$R/$1.writer"
  grep -E "qps|latency" "$R/$1.txt" | sed 's/^/  /' >&2
}

echo "== $(date -u +%FT%TZ) $(uptime)" >&2
echo "== 1. ingest on an empty store" >&2
start_server empty empty
submit ingest_empty
stop_server
rm -rf "$WORK/empty"

if [ -n "${REUSE:-}" ]; then
echo "== 2. the loaded store: a copy of $REUSE (its load.json beside it, from a KEEP=1 run)" >&2
cp -a "$REUSE" "$WORK/full"
cp "$(dirname "$REUSE")/results/load.json" "$R/load.json"
else
echo "== 2. loading $N reports through SyncService.Push (spread over $SPREAD_DAYS days, new-event share $NEW_EVENT_SHARE)" >&2
# The write queue may hold the whole load's calls: a shed Push would leave holes in the store.
start_server full first_start --max_pending_writes=100000 --max_write_queue_delay=60s \
  --write_admission_delay=inf
"$LOADGEN" --target=127.0.0.1:$PORT --mode=push --scenario=spread --spread_days="$SPREAD_DAYS" \
  --new_event_share="$NEW_EVENT_SHARE" --reports="$N" --batch=100 --in_flight=4 --warmup=0 \
  --duration=3600 --rpc_timeout=60s --json >"$R/load.json" 2>"$R/load.txt"
sed -n '/^push/,$p' "$R/load.txt" | sed 's/^/  /' >&2
stop_server
fi
echo "  data dir: $(du -sh "$WORK/full" | cut -f1)" >&2

echo "== 3. restart of the loaded store" >&2
start_server full restart
echo "== 4. ingest on the loaded store" >&2
submit ingest_full
stop_server

echo "== 5. the map on the loaded store (restarted with --auth=false)" >&2
start_server full restart_noauth --auth=false
"$MAPBENCH" --target=127.0.0.1:$PORT --queries=300 --subscribers=50 --writers=32 \
  --duration="$DURATION" --rate_of_capacity=0.8 --stream_interval_ms="$STREAM_INTERVAL_MS" >"$R/map.json" 2>"$R/map.txt"
sed 's/^/  /' "$R/map.txt" >&2
stop_server
for i in $(seq "${ROUNDS:-2}"); do
  echo "== 6.$i ingest, empty store then loaded store" >&2
  start_server "empty$i" "empty$i"
  submit "ingest_empty$i"
  stop_server
  rm -rf "$WORK/empty$i"
  start_server full "restart$i"
  submit "ingest_full$i"
  stop_server
done
echo "== $(date -u +%FT%TZ) $(uptime)" >&2

python3 - "$R" "$N" <<'PY'
import json, sys, os
R, N = sys.argv[1], int(sys.argv[2])
def j(name):
    with open(os.path.join(R, name)) as f:
        return json.loads(f.read().strip().splitlines()[-1])
def loaded(label):
    p = os.path.join(R, label + ".loaded")
    return open(p).read().strip() if os.path.exists(p) else "?"
empty, full, load = j("ingest_empty.json")["submit"], j("ingest_full.json")["submit"], j("load.json")["push"]
ready, ready2, m = j("restart.ready.json"), j("restart_noauth.ready.json"), j("map.json")
q, h = m["query"]["get_aggregates"], m["query"]["health"]
alone, withs = m["ingest_alone"]["qps"], m["ingest_with_subscribers"]["qps"]
d = m["delta"]
stored = load["reports_stored_total"]
rows = [
  ("load: reports stored / incidents",
   f"{stored:,} / {load.get('distinct_incidents', 0):,} ({100 * load.get('distinct_incidents', 0) / max(stored, 1):.1f} %)",
   f"{load['seconds']:.0f} s, {load['reports_per_second']:.0f} reports/s", ""),
  ("ingest, empty store (SubmitReport, 128 in flight, auth on)", f"{empty['qps']:.0f}/s", f"p99 {empty['latency_ms']['p99']:.1f} ms", ""),
  ("ingest, loaded store (same settings)", f"{full['qps']:.0f}/s", f"p99 {full['latency_ms']['p99']:.1f} ms",
   f"{full['qps'] / max(empty['qps'], 1):.2f}x empty (goal >= 0.8)"),
  ("restart to health SERVING / first SubmitReport stored",
   f"{ready['health_serving_s']:.2f} s / {ready['submit_stored_s']:.2f} s", loaded("restart"), "goal <= 5 s"),
  ("second restart (auth off)", f"{ready2['health_serving_s']:.2f} s / {ready2['submit_stored_s']:.2f} s", loaded("restart_noauth"), ""),
  (f"GetAggregates {m['query']['buurten']} buurten x 5 themes x 26 weeks ({m['query']['cells']} cells)",
   f"p50 {q['p50_ms']:.2f} ms, p99 {q['p99_ms']:.2f} ms", f"health p50 {h['p50_ms']:.2f} ms, p99 {h['p99_ms']:.2f} ms", "goal p99 <= 5 ms"),
  ("ingest without / with 50 StreamAggregates subscribers (32 writers, auth off)",
   f"{alone:.0f}/s / {withs:.0f}/s", f"cost {100 * (1 - withs / max(alone, 1)):.1f} %", "goal <= 10 %"),
  (f"ack -> stream update at {d['rate']:.0f}/s (0.8 x {alone:.0f}), achieved {d['achieved']:.0f}/s",
   f"p50 {d['ack_to_update']['p50_ms']:.0f} ms, p99 {d['ack_to_update']['p99_ms']:.0f} ms",
   f"submit p99 {d['submit']['p99_ms']:.1f} ms, unseen {d['unseen']}, interval {d['stream_interval_ms']} ms", "goal p99 <= 250 ms"),
]
pairs = [(empty["qps"], full["qps"])]
i = 1
while os.path.exists(os.path.join(R, f"ingest_full{i}.json")):
    pairs.append((j(f"ingest_empty{i}.json")["submit"]["qps"], j(f"ingest_full{i}.json")["submit"]["qps"]))
    i += 1
ratios = sorted(f / max(e, 1) for e, f in pairs)
median = ratios[len(ratios) // 2] if len(ratios) % 2 else (ratios[len(ratios) // 2 - 1] + ratios[len(ratios) // 2]) / 2
rows.insert(3, ("ingest empty -> loaded, every pair", ", ".join(f"{e:.0f} -> {f:.0f}/s" for e, f in pairs),
                "ratios " + ", ".join(f"{f / max(e, 1):.2f}" for e, f in pairs), f"median {median:.2f}x (goal >= 0.8)"))
def writer_us(label):
    p = os.path.join(R, label + ".writer")
    if not os.path.exists(p):
        return None
    ticks, hz = (int(x) for x in open(p).read().split())
    return 1e6 * ticks / hz / max(j(label + ".json")["submit"]["issued_total"], 1)
labels = [("ingest_empty", "ingest_full")] + [(f"ingest_empty{k}", f"ingest_full{k}") for k in range(1, i)]
us = [(writer_us(e), writer_us(f)) for e, f in labels]
rows.insert(4, ("writer thread CPU per report, empty -> loaded (every pair)",
                ", ".join(f"{e:.0f} -> {f:.0f} us" for e, f in us if e is not None and f is not None),
                "ww-writer's user+system time over the run / reports issued", ""))
restarts = [(label, j(label + ".ready.json")) for label in ["restart"] + [f"restart{k}" for k in range(1, i)]]
rows.insert(5, ("every restart of the loaded store: SERVING / first submit",
                ", ".join(f"{r['health_serving_s']:.2f}/{r['submit_stored_s']:.2f} s" for _, r in restarts),
                "; ".join(loaded(label) for label, _ in restarts), ""))
print(f"\nscale with data: {N:,} reports requested")
print("| measurement | figure | beside it | verdict |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
if "by_theme" in load:
    print("\nthe loaded store by theme (as the server answered each Push):")
    for t, c in load["by_theme"].items():
        print(f"  {t:<14} {c['reports']:>9,} reports {c['incidents']:>9,} incidents")
PY
