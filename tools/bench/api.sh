#!/usr/bin/env bash
# The API benchmark (docs/performance.md, "API"): wrk against `ledgerctl serve` on a demo ledger.
# Run as root on Debian 12 from a fresh clone:
#
#   tools/bench/api.sh
#
# It installs what is missing (tools/setup.sh; wrk), builds ledgerctl (Release) into
# build-bench/, makes a demo ledger of $LEDGER_BENCH_COMPLAINTS complaints (default 3000) in a
# temporary directory, serves it on a free loopback port with the per-token rate limit off, and
# runs, for $LEDGER_BENCH_SECONDS seconds each (default 15):
#   1. GET /v1/complaints/{id} (the ticket state, as an auditor) at full speed, 64 connections;
#   2. the same with 4 connections (a lighter load, for the latency at well under the peak);
#   3. durable POST /v1/complaints (a receive action: decided, appended, synced, answered) over
#      64 connections, each a new complaint;
# then stops the server and removes the scratch data. The results go to stdout and to
# $LEDGER_BENCH_OUT/api-results.txt (default build-bench/bench-results).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${LEDGER_BENCH_BUILD:-$root/build-bench}"
out="${LEDGER_BENCH_OUT:-$build/bench-results}"
seconds="${LEDGER_BENCH_SECONDS:-15}"
complaints="${LEDGER_BENCH_COMPLAINTS:-3000}"

"$root/tools/setup.sh"
if ! command -v wrk >/dev/null; then
  echo "api.sh: installing wrk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLEDGER_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "${LEDGER_JOBS:-2}" --target ledgerctl
ctl="$build/tools/ledgerctl/ledgerctl"
mkdir -p "$out"

work="$(mktemp -d /tmp/ledger-api-bench.XXXXXX)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$ctl" --data "$work/ledger" demo --no-serve --complaints "$complaints" --seed 3 >/dev/null
auditor=$("$ctl" --data "$work/ledger" token add --actor u-auditor-01 --role auditor 2>/dev/null)
agent=$("$ctl" --data "$work/ledger" token add --actor u-cs-01 --role cs_agent --department customer_service 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18089)
"$ctl" --data "$work/ledger" serve --listen "127.0.0.1:$port" --rate-limit 0 --workers 64 \
  >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 1 300); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$work/serve.out" || { cat "$work/serve.err"; echo "api.sh: the server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port"
id="CMP-2026-000132"

cat >"$work/receive.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("LEDGER_TOKEN")
wrk.body = '{"type":"receive","channel":"hotline","complainant":{"name":"Bench","phone":"13800000000","unit":"1-101","is_owner":true},"project":"p-lakeside","subject":"Benchmark","description":"A complaint from the API benchmark","receiving_department":"customer_service"}'
LUA

{
  echo "# API benchmark, $(date -u +%FT%TZ), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# ledger: $complaints demo complaints; server: ledgerctl serve --workers 64 --rate-limit 0"
  echo
  echo "## 1. GET /v1/complaints/$id, 64 connections, $seconds s"
  wrk -t2 -c64 -d"${seconds}s" --latency -H "Authorization: Bearer $auditor" "$url/v1/complaints/$id"
  echo
  echo "## 2. GET /v1/complaints/$id, 4 connections, $seconds s"
  wrk -t2 -c4 -d"${seconds}s" --latency -H "Authorization: Bearer $auditor" "$url/v1/complaints/$id"
  echo
  echo "## 3. durable POST /v1/complaints (receive), 64 connections, $seconds s"
  LEDGER_TOKEN="$agent" wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/receive.lua" "$url/v1/complaints"
  echo
  echo "# after: $("$ctl" --data "$work/ledger" head 2>/dev/null || echo '(ledger in use)') ; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/api-results.txt"
