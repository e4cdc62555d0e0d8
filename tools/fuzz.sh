#!/usr/bin/env bash
# Fuzzes the ledger's input readers with libFuzzer under AddressSanitizer and UBSan
# (docs/fuzzing.md). Installs clang and libFuzzer when missing, builds the targets with clang into
# build-fuzz/ (-DLEDGER_FUZZ=ON), and runs each named target (default: all) for the given time, one
# after the other, at the lowest priority: --seconds of wall time (default 60), or until the
# fuzzer has used --cpu-seconds of CPU time, whichever comes first.
#
#   tools/fuzz.sh [--seconds N] [--cpu-seconds N] [--log-dir DIR] [--build-only] [target...]
#   tools/fuzz.sh --seeds OUT_DIR      regenerates the seed corpora (the normal build's generator)
#
# Each target works on a copy of its committed corpus, build-fuzz/work/<target>/corpus/ (kept
# between runs; the committed corpus never grows by itself: copy a unit in by hand and commit it).
# Crash artifacts go to build-fuzz/work/<target>/artifacts/. The log of each run goes to
# DIR/<target>.log (default build-fuzz/work/<target>/fuzz.log). One summary line per target:
# executions, coverage, corpus, new units, CPU seconds, crashes. Exits non-zero on any crash.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LEDGER_FUZZ_BUILD_DIR:-$root/build-fuzz}"
all_targets=(action import policy envelope payload http_request)
seconds=60
cpu_seconds=0
log_dir=""
build_only=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --cpu-seconds) cpu_seconds="$2"; shift 2 ;;
    --log-dir) log_dir="$2"; shift 2 ;;
    --build-only) build_only=1; shift ;;
    --seeds)
      normal="${LEDGER_BUILD_DIR:-$root/build}"
      cmake -S "$root" -B "$normal" >/dev/null
      nice -n 10 cmake --build "$normal" -j "${LEDGER_JOBS:-2}" --target ledger_fuzz_corpus \
        >/dev/null
      exec "$normal/tests/fuzz/ledger_fuzz_corpus" "$2" ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

# clang and libFuzzer (Debian 12), besides what the build needs (tools/setup.sh).
"$root/tools/setup.sh"
PACKAGES=(clang-14 libfuzzer-14-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "fuzz.sh: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
  -DCMAKE_CXX_COMPILER=clang++-14 -DLEDGER_FUZZ=ON -DLEDGER_BUILD_BENCH=OFF >/dev/null
if [ "${#targets[@]}" -eq 0 ]; then targets=("${all_targets[@]}"); fi
build_targets=()
for t in "${targets[@]}"; do
  if [ ! -f "$root/tests/fuzz/${t}_fuzz.cc" ]; then echo "fuzz.sh: no target $t" >&2; exit 2; fi
  build_targets+=("$t")
done
if [ "${#build_targets[@]}" -eq 0 ]; then exit 0; fi
nice -n 10 cmake --build "$build" -j "${LEDGER_JOBS:-2}" \
  --target $(printf 'ledger_%s_fuzz ' "${build_targets[@]}")
if [ "$build_only" -eq 1 ]; then exit 0; fi

ticks=$(getconf CLK_TCK)
status=0
for t in "${build_targets[@]}"; do
  work="$build/work/$t"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n "$root/tests/fuzz/corpus/$t"/* "$work/corpus/" 2>/dev/null || true
  log="$work/fuzz.log"
  if [ -n "$log_dir" ]; then log="$log_dir/$t.log"; fi
  mkdir -p "$(dirname "$log")"
  dict=()
  case "$t" in
    action|import) dict=(-dict="$root/tests/fuzz/dict/action.dict") ;;
    policy) dict=(-dict="$root/tests/fuzz/dict/policy.dict") ;;
    envelope|payload) dict=(-dict="$root/tests/fuzz/dict/event.dict") ;;
    http_request) dict=(-dict="$root/tests/fuzz/dict/http.dict") ;;
  esac
  before=$(ls "$work/artifacts" | wc -l)
  # One process (the same as -jobs=1, without its log redirection) at the lowest priority, until
  # its CPU time reaches --cpu-seconds (then SIGINT: libFuzzer prints its stats and exits 72) or
  # the wall time reaches --seconds.
  nice -n 19 "$build/tests/fuzz/ledger_${t}_fuzz" "$work/corpus" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >"$log" 2>&1 &
  pid=$!
  interrupted=0
  cpu_ticks=0
  while kill -0 "$pid" 2>/dev/null; do
    # utime and stime, fields 14 and 15 of /proc/PID/stat (after the parenthesised name).
    stat=$(cat "/proc/$pid/stat" 2>/dev/null || true)
    if [ -n "$stat" ]; then
      cpu_ticks=$(echo "${stat##*) }" | awk '{ print $12 + $13 }')
    fi
    if [ "$cpu_seconds" -gt 0 ] && [ "$cpu_ticks" -ge $((cpu_seconds * ticks)) ]; then
      kill -INT "$pid" 2>/dev/null || true
      interrupted=1
      break
    fi
    sleep 5
  done
  rc=0
  wait "$pid" || rc=$?
  if [ "$interrupted" -eq 1 ] && [ "$rc" -eq 72 ]; then rc=0; fi
  cpu_s=$((cpu_ticks / ticks))
  execs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$log" | grep -oE '[0-9]+$' ||
    echo "?")
  units=$(grep -oE 'stat::new_units_added: +[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  corp=$(echo "$last" | grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' | cut -d' ' -f2 || echo "?")
  crashes=$(( $(ls "$work/artifacts" | wc -l) - before ))
  echo "fuzz $t: ${execs} execs, cov ${cov}, ft ${ft}, corpus ${corp}, ${units} new units," \
       "${cpu_s:-?} CPU s, ${crashes} crash(es)$( [ "$rc" -ne 0 ] && echo ", FAILED: see $log")"
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then status=1; fi
done
exit "$status"
