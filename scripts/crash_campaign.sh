#!/usr/bin/env bash
# The long crash campaign: CYCLES (default 100) kill -9 cycles of the real server under
# concurrent submits, dispatch claims and alert publishes (tests/crash_test.cc), then checks
# that every acknowledged write is present, retries made no duplicates, every report's
# incident exists, and that `aggregates verify` and `audit verify` are clean.
#
#   scripts/crash_campaign.sh [CYCLES] [BUILD_DIR]     (default: 100 build)
#
# Prints the test's summary line and the wall time; exits non-zero on any failure. The
# suite (./scripts/test.sh) runs the same test with 4 cycles.
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-100}"
build="${2:-build}"
if [[ ! -d "$build" ]]; then
  echo "crash_campaign: no build dir $build (run ./scripts/build.sh first)" >&2
  exit 64
fi
nice cmake --build "$build" -j2 --target crash_test wijkwachtd
log="$(mktemp /tmp/wijkwacht-crash-campaign.XXXXXX.log)"
echo "crash_campaign: $cycles cycles, log $log"
start=$(date +%s)
status=0
WIJKWACHT_CRASH_CYCLES="$cycles" "$build/tests/crash_test" --gtest_color=no >"$log" 2>&1 \
  || status=$?
end=$(date +%s)
grep -E 'cycles: |\[  (PASSED|FAILED) |Failure|error' "$log" | head -40 || true
echo "crash_campaign: $cycles cycles in $((end - start)) s, exit status $status"
exit "$status"
