#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (unit, integration, crash).
set -euo pipefail
cd "$(dirname "$0")/.."
WIJKWACHT_WITH_TEST_TOOLS=1 bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
