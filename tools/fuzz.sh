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
# executions, coverage, corpus, new units, CPU seconds, findings (crash, leak, oom or a timeout
# that reproduces), slow units. Exits non-zero on any finding.
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
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
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

# Runs one libFuzzer process at the lowest priority (the same as -jobs=1, without its log
# redirection) until its CPU time reaches $1 seconds (then SIGINT: libFuzzer prints its stats and
# exits 72) or its wall time reaches $2 seconds. Sets rc and used_ticks.
run_once() {
  local budget_s=$1 wall_s=$2 pid stat interrupted=0
  nice -n 19 "$build/tests/fuzz/ledger_${t}_fuzz" "$work/corpus" "${dict[@]}" \
    -max_total_time="$wall_s" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >>"$log" 2>&1 &
  pid=$!
  used_ticks=0
  while kill -0 "$pid" 2>/dev/null; do
    # utime and stime, fields 14 and 15 of /proc/PID/stat (after the parenthesised name).
    stat=$(cat "/proc/$pid/stat" 2>/dev/null || true)
    if [ -n "$stat" ]; then
      used_ticks=$(echo "${stat##*) }" | awk '{ print $12 + $13 }')
    fi
    if [ "$budget_s" -gt 0 ] && [ "$used_ticks" -ge $((budget_s * ticks)) ]; then
      kill -INT "$pid" 2>/dev/null || true
      interrupted=1
      break
    fi
    sleep 5
  done
  rc=0
  wait "$pid" || rc=$?
  if [ "$interrupted" -eq 1 ] && [ "$rc" -eq 72 ]; then rc=0; fi
}

for t in "${build_targets[@]}"; do
  work="$build/work/$t"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n "$root/tests/fuzz/corpus/$t"/* "$work/corpus/" 2>/dev/null || true
  log="$work/fuzz.log"
  if [ -n "$log_dir" ]; then log="$log_dir/$t.log"; fi
  mkdir -p "$(dirname "$log")"
  : >"$log"
  dict=()
  case "$t" in
    action|import) dict=(-dict="$root/tests/fuzz/dict/action.dict") ;;
    policy) dict=(-dict="$root/tests/fuzz/dict/policy.dict") ;;
    envelope|payload) dict=(-dict="$root/tests/fuzz/dict/event.dict") ;;
    http_request) dict=(-dict="$root/tests/fuzz/dict/http.dict") ;;
  esac
  findings() { ls "$work/artifacts" | grep -cE '^(crash|leak|oom|timeout)-' || true; }
  before=$(findings)
  slow_before=$(ls "$work/artifacts" | grep -c '^slow-unit-' || true)
  started=$(date +%s)
  touch "$log.mark"
  total_ticks=0
  paused=0
  while :; do
    left_cpu=0
    if [ "$cpu_seconds" -gt 0 ]; then left_cpu=$((cpu_seconds - total_ticks / ticks)); fi
    left_wall=$((seconds - ($(date +%s) - started)))
    if [ "$left_wall" -le 0 ] || { [ "$cpu_seconds" -gt 0 ] && [ "$left_cpu" -le 0 ]; }; then
      break
    fi
    run_once "$left_cpu" "$left_wall"
    total_ticks=$((total_ticks + used_ticks))
    # libFuzzer's -timeout counts wall time: a process that was stopped (SIGSTOP, a suspended
    # machine) or starved at nice 19 reports a timeout its unit does not have. Such a unit is run
    # again on its own; if it finishes well inside the limit it is no finding: it is set aside in
    # artifacts/not-reproduced/ and fuzzing goes on for what is left of the budget.
    newest=$(ls -t "$work/artifacts" | grep -E '^timeout-' | head -1 || true)
    if [ "$rc" -ne 0 ] && [ -n "$newest" ] && [ "$work/artifacts/$newest" -nt "$log.mark" ] &&
      timeout 25 "$build/tests/fuzz/ledger_${t}_fuzz" "$work/artifacts/$newest" \
        >>"$log" 2>&1; then
      mkdir -p "$work/artifacts/not-reproduced"
      mv "$work/artifacts/$newest" "$work/artifacts/not-reproduced/"
      echo "fuzz.sh: timeout $newest ran in under 25 s on its own: not a finding (paused or" \
           "starved process); going on" | tee -a "$log" >&2
      paused=$((paused + 1))
      touch "$log.mark"
      continue
    fi
    break
  done
  rm -f "$log.mark"
  cpu_s=$((total_ticks / ticks))
  execs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$log" | grep -oE '[0-9]+$' |
    awk '{ s += $1 } END { print s + 0 }')
  units=$(grep -oE 'stat::new_units_added: +[0-9]+' "$log" | grep -oE '[0-9]+$' |
    awk '{ s += $1 } END { print s + 0 }')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  corp=$(echo "$last" | grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' | cut -d' ' -f2 || echo "?")
  crashes=$(( $(findings) - before ))
  slow=$(( $(ls "$work/artifacts" | grep -c '^slow-unit-' || true) - slow_before ))
  echo "fuzz $t: ${execs} execs, cov ${cov}, ft ${ft}, corpus ${corp}, ${units} new units," \
       "${cpu_s} CPU s, ${crashes} finding(s), ${slow} slow unit(s)," \
       "${paused} unreproduced timeout(s)$( [ "$rc" -ne 0 ] && echo ", FAILED: see $log")"
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then status=1; fi
done
exit "$status"
