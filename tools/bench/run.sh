#!/usr/bin/env bash
# The event log benchmarks in one command (docs/performance.md, "Event log"). Run as root on
# Debian 12 from a fresh clone:
#
#   tools/bench/run.sh [log_bench options...]
#
# It installs what is missing (the project's build dependencies through tools/setup.sh; PostgreSQL
# 15, libpq, SQLite and gnuplot through apt-get), builds log_bench (Release) into build-bench/,
# starts a throwaway PostgreSQL 15 as the `postgres` user in a temporary directory on 127.0.0.1 and
# a free port, runs every case, stops and removes PostgreSQL and the scratch data (also on failure
# or Ctrl-C) and draws the plot.
#
# Output in $LEDGER_BENCH_OUT (default build-bench/bench-results): results.md (the tables),
# results.tsv, appends.dat and perf-appends.png. LEDGER_BENCH_DOCS=1 also copies the plot to
# docs/perf-appends.png. Sizes: LEDGER_BENCH_SECONDS (per append case, default 3),
# LEDGER_BENCH_EVENTS (read data set, default 500000), LEDGER_BENCH_WRITERS (default 1,8,64),
# LEDGER_BENCH_ROUNDS (default 1: each case's seconds in that many slices, the systems taking
# turns, which evens out a machine whose speed drifts),
# LEDGER_BENCH_SYSTEMS (default ledger,ledger-notree,rocksdb,postgres,postgres-lock,sqlite,sqlite-mutex;
# ledger-notree is the ledger without its Merkle tree: what the tree costs);
# any other log_bench option can be given as an argument (log_bench --help lists them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${LEDGER_BENCH_BUILD:-$root/build-bench}"
out="${LEDGER_BENCH_OUT:-$build/bench-results}"
pgbin=/usr/lib/postgresql/15/bin

install_missing() {
  "$root/tools/setup.sh"
  local missing=()
  for p in postgresql-15 libpq-dev libsqlite3-dev gnuplot-nox; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "run.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build_bench() {
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLEDGER_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j "${LEDGER_JOBS:-2}" --target log_bench
}

free_port() {
  local p
  for p in $(seq 54329 54429); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "run.sh: no free port in 54329..54429" >&2
  return 1
}

as_postgres() { runuser -u postgres -- "$@"; }

# A throwaway PostgreSQL 15: durable commits as shipped (fsync=on, synchronous_commit=on,
# commit_delay=0), shared_buffers as large as the ledger's block cache.
start_postgres() {
  pgdata="$work/pg"
  mkdir "$pgdata"
  chown postgres:postgres "$pgdata"
  as_postgres "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
  port="$(free_port)"
  as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $pgdata -c fsync=on -c synchronous_commit=on \
     -c shared_buffers=256MB -c max_connections=100" start >/dev/null
  pg_started=1
  echo "run.sh: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

cleanup() {
  if [ -n "${pg_started:-}" ]; then
    as_postgres "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true
  fi
  if [ -n "${work:-}" ]; then rm -rf "$work"; fi
}

main() {
  [ "$(id -u)" -eq 0 ] || { echo "run.sh: run as root (it installs packages)" >&2; exit 1; }
  install_missing
  build_bench
  mkdir -p "$out"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  work="$(mktemp -d "${LEDGER_BENCH_WORK:-/var/tmp}/ledger-bench.XXXXXX")"
  chmod 755 "$work"
  start_postgres

  local args=(--dir "$work/data" --out "$out" --pg "host=127.0.0.1 port=$port user=postgres dbname=postgres"
              --command "tools/bench/run.sh $*"
              --systems "${LEDGER_BENCH_SYSTEMS:-ledger,ledger-notree,rocksdb,postgres,postgres-lock,sqlite,sqlite-mutex}")
  [ -z "${LEDGER_BENCH_SECONDS:-}" ] || args+=(--seconds "$LEDGER_BENCH_SECONDS")
  [ -z "${LEDGER_BENCH_EVENTS:-}" ] || args+=(--events "$LEDGER_BENCH_EVENTS")
  [ -z "${LEDGER_BENCH_WRITERS:-}" ] || args+=(--writers "$LEDGER_BENCH_WRITERS")
  [ -z "${LEDGER_BENCH_ROUNDS:-}" ] || args+=(--rounds "$LEDGER_BENCH_ROUNDS")
  local load_before
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  "$build/tools/bench/log_bench" "${args[@]}" "$@"
  printf '\nLoad average (1, 5, 15 min) before: %s; after: %s.\n' \
    "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/results.md"

  gnuplot -e "data='$out/appends.dat'; output='$out/perf-appends.png'" "$root/tools/bench/plot.gp"
  if [ "${LEDGER_BENCH_DOCS:-0}" = 1 ]; then cp "$out/perf-appends.png" "$root/docs/perf-appends.png"; fi
  echo "run.sh: results in $out"
}

main "$@"
