#!/usr/bin/env bash
# Installs, builds and starts wijkwachtd on its embedded default: gRPC on localhost:50051,
# RocksDB in ./wijkwacht-data, the shipped Beverwijk/IJmond areas and categories.
# Extra arguments are passed to wijkwachtd (e.g. --listen=127.0.0.1:6000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/cmd/wijkwachtd/wijkwachtd --data_dir=wijkwacht-data "$@"
