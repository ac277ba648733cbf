#!/usr/bin/env bash
# The long fuzz campaign: builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/
# (or $WIJKWACHT_FUZZ_BUILD_DIR) and runs each one in turn, starting from its committed seeds
# in fuzz/corpus/<target>/. New inputs collect in <build>/campaign/<target>/corpus; crashes,
# leaks and timeouts are written there as crash-*/leak-*/timeout-* and stop that target.
# Prints one line per target: executions, coverage (edges), features, corpus size, findings.
#
#   scripts/fuzz.sh                          every target, 600 s each
#   WIJKWACHT_FUZZ_SECONDS=60 scripts/fuzz.sh jwt_fuzzer cursor_fuzzer
#   scripts/fuzz.sh service_fuzzer:1500 cursor_fuzzer:300   seconds per target
#
# WIJKWACHT_FUZZ_STATS=1 makes service_fuzzer print its answers per RPC at the end of its log.
#
# To reproduce a finding: <build>/fuzz/<target> <build>/campaign/<target>/crash-<sha1>
# (service_fuzzer keeps state between inputs, so a late finding may need the corpus run first).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
build=${WIJKWACHT_FUZZ_BUILD_DIR:-$src/../build-fuzz}
seconds=${WIJKWACHT_FUZZ_SECONDS:-600}
runs=("$@")
if ((${#runs[@]} == 0)); then
  runs=(service_fuzzer geojson_fuzzer indicator_csv_fuzzer cursor_fuzzer jwt_fuzzer
        category_fuzzer)
fi
targets=("${runs[@]%%:*}")

WIJKWACHT_WITH_FUZZ=1 bash scripts/deps.sh
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWIJKWACHT_FUZZ=ON >/dev/null
cmake --build "$build" -j"${WIJKWACHT_JOBS:-$(nproc)}" --target "${targets[@]}"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$src/fuzz/ubsan.supp
export LSAN_OPTIONS=suppressions=$src/fuzz/lsan.supp
summary=$build/campaign/summary.txt
mkdir -p "$build/campaign"
: >"$summary"
for run in "${runs[@]}"; do
  t=${run%%:*}
  t_seconds=$seconds
  [[ $run == *:* ]] && t_seconds=${run#*:}
  work=$build/campaign/$t
  mkdir -p "$work/corpus"
  log=$work/fuzz.log
  status=0
  start=$(date +%s)
  "$build/fuzz/$t" -max_total_time="$t_seconds" -timeout=30 -rss_limit_mb=6144 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "fuzz/corpus/$t" \
    >"$log" 2>&1 || status=$?
  wall=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(find "$work/corpus" -type f | wc -l)
  findings=$(ls "$work" | grep -cE '^(crash|leak|timeout|oom)-' || true)
  printf '%-22s exit %-3s execs %-10s cov %-6s ft %-7s corpus %-6s findings %-3s %ss\n' \
    "$t" "$status" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$findings" "$wall" \
    | tee -a "$summary"
done
