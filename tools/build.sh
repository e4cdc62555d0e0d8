#!/usr/bin/env bash
# Configures and builds the ledger into ./build (or $LEDGER_BUILD_DIR). Extra arguments go to CMake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LEDGER_BUILD_DIR:-$root/build}"
jobs="${LEDGER_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${LEDGER_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j "$jobs"
