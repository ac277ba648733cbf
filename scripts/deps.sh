#!/usr/bin/env bash
# Installs the Debian 12 packages wijkwacht needs to build, test and run (as root; only what
# is missing, so a second run is quick). Sourced by run.sh and test.sh.
set -euo pipefail

WIJKWACHT_PACKAGES=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libssl-dev libs2-dev nlohmann-json3-dev libfasttext-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev tzdata libcpp-httplib-dev
  libboost-math-dev libjemalloc-dev
)
# The map page's libraries come from npm during the build (web/package-lock.json). A node
# installed otherwise (with its own npm) is used as it is.
if ! command -v npm >/dev/null 2>&1; then
  WIJKWACHT_PACKAGES+=(nodejs npm)
fi
# The test suite's Open311 client (tests/open311_client.py) is written in Python; the OGC API
# Features collections are read by GDAL's OGCAPI driver (tests/ogc_client.py).
if [ "${WIJKWACHT_WITH_TEST_TOOLS:-0}" = 1 ]; then
  WIJKWACHT_PACKAGES+=(python3 gdal-bin)
fi
# The test suite also renders the council report in headless Chromium and reads the PDF.
if [ "${WIJKWACHT_WITH_TEST_TOOLS:-0}" = 1 ]; then
  WIJKWACHT_PACKAGES+=(chromium poppler-utils)
fi
# The fuzz build (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes. The
# sanitizer build (scripts/sanitize.sh) uses gcc's runtimes, which build-essential brings.
if [ "${WIJKWACHT_WITH_FUZZ:-0}" = 1 ]; then
  WIJKWACHT_PACKAGES+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${WIJKWACHT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "wijkwacht: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
