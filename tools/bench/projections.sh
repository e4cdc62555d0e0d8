#!/usr/bin/env bash
# The projection benchmark (docs/performance.md, "Projections"). Run as root on Debian 12 from a
# fresh clone:
#
#   tools/bench/projections.sh
#
# It installs what is missing (tools/setup.sh), builds projection_bench (Release) into
# build-bench/, generates a demo ledger of $LEDGER_BENCH_COMPLAINTS complaints (default 999,999 (the most one year's ids hold):
# about 13 million events and 5 GB of disk, through the real write path) in
# $LEDGER_BENCH_LEDGER (default build-bench/ledger-<N>; kept, so a second run measures at once),
# waits for RocksDB's compactions after the load to finish (the shape a ledger keeps by itself),
# then measures in a separate process: a full rebuild against a plain scan, the as-of state of one
# complaint, a month's fine tally, and peak memory. Results: stdout and
# $LEDGER_BENCH_OUT/projections-results.md (default build-bench/bench-results).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${LEDGER_BENCH_BUILD:-$root/build-bench}"
out="${LEDGER_BENCH_OUT:-$build/bench-results}"
complaints="${LEDGER_BENCH_COMPLAINTS:-999999}"
ledger="${LEDGER_BENCH_LEDGER:-$build/ledger-$complaints}"

"$root/tools/setup.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLEDGER_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "${LEDGER_JOBS:-2}" --target projection_bench
bench="$build/tools/bench/projection_bench"
mkdir -p "$out"

if [ ! -e "$ledger/.generated" ]; then
  rm -rf "$ledger"   # a generation that did not finish
  echo "projections.sh: generating $complaints complaints into $ledger"
  "$bench" generate --data "$ledger" --complaints "$complaints"
  touch "$ledger/.generated" "$ledger/.settled"
fi
if [ ! -e "$ledger/.settled" ]; then  # generated before generate waited for its compactions
  "$bench" settle --data "$ledger"
  touch "$ledger/.settled"
fi
{
  echo "# projection_bench, $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), ledger $(du -sh "$ledger" | cut -f1)"
  echo
  echo "| measure | result | baseline in the same run |"
  echo "|---|---|---|"
  "$bench" measure --data "$ledger"
} | tee "$out/projections-results.md"
