#!/usr/bin/env bash
# Builds the whole project with AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/
# (or $WIJKWACHT_ASAN_BUILD_DIR) and runs the full ctest suite there. Any ASan report, leak or
# UBSan finding fails the test that triggered it. Only third-party findings are suppressed, in
# fuzz/lsan.supp and fuzz/ubsan.supp (each entry says why). Slow: roughly 3x the normal suite.
#
#   scripts/sanitize.sh                 build and run everything
#   scripts/sanitize.sh -R 'Report.*'   extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
build=${WIJKWACHT_ASAN_BUILD_DIR:-$src/../build-asan}
jobs=${WIJKWACHT_JOBS:-$(nproc)}

bash scripts/deps.sh
export ASAN_OPTIONS=detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$src/fuzz/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$src/fuzz/ubsan.supp

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWIJKWACHT_SANITIZE=address,undefined \
  >/dev/null
cmake --build "$build" -j"$jobs"
cd "$build"
# Sanitized code runs several times slower: the integration tests' TIMEOUT properties are
# tripled in this build (cmake/Sanitizers.cmake); --timeout covers the tests without one.
ctest --output-on-failure -j"$jobs" --timeout 900 "$@"
