#!/usr/bin/env bash
# tools/cluster/etcd3.sh against real etcd processes on 127.0.0.1 (ctest label "cluster"): up
# gives three healthy members; a write succeeds with the leader killed (-9) and with a follower
# paused (SIGSTOP); a killed member restarts on its data and rejoins; down leaves no process of
# the cluster and no data. Ports and state apart from a developer's own cluster
# (ETCD3_PORT_BASE=2479, ETCD3_STATE in a temporary directory). Skips (77) without etcd.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
script="$root/tools/cluster/etcd3.sh"
command -v etcd >/dev/null && command -v etcdctl >/dev/null || {
  echo "skipped: etcd-server and etcd-client are not installed (tools/setup.sh)"
  exit 77
}
export ETCD3_PORT_BASE=2479
ETCD3_STATE="$(mktemp -d)/state"
export ETCD3_STATE
trap '"$script" down >/dev/null 2>&1 || true; rm -rf "$(dirname "$ETCD3_STATE")"' EXIT

fail() {
  echo "FAIL: $*" >&2
  "$script" status >&2 || true
  exit 1
}
put() { ETCDCTL_API=3 etcdctl --endpoints "$("$script" endpoints)" --command-timeout=10s put "$1" "$2" >/dev/null; }
get() { ETCDCTL_API=3 etcdctl --endpoints "$("$script" endpoints)" --command-timeout=10s get --print-value-only "$1"; }

endpoints="$("$script" up)"
[[ "$endpoints" == "http://127.0.0.1:12479,http://127.0.0.1:22479,http://127.0.0.1:32479" ]] ||
  fail "up printed '$endpoints'"
[[ "$("$script" status | grep -c ': running')" == 3 ]] || fail "not 3 members running"
data="$(sed -n 's/^data: //p' <("$script" status))"
[[ -d "$data/m1" && -d "$data/m2" && -d "$data/m3" ]] || fail "no data directories in '$data'"
put k1 v1
[[ "$(get k1)" == v1 ]] || fail "k1 not read back"

leader="$("$script" leader)"
"$script" kill "$leader"
[[ "$("$script" status | grep -c ': stopped')" == 1 ]] || fail "the killed leader is not stopped"
put k2 v2 || fail "no write with the leader killed"
"$script" start "$leader"
for _ in $(seq 100); do
  ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:${leader}2479" --command-timeout=1s \
    get --print-value-only k2 2>/dev/null | grep -q v2 && break
  sleep 0.2
done
[[ "$(ETCDCTL_API=3 etcdctl --endpoints "http://127.0.0.1:${leader}2479" --command-timeout=5s \
  get --print-value-only k2)" == v2 ]] || fail "the restarted member did not catch up"

leader="$("$script" leader)"
follower=$((leader % 3 + 1))
"$script" pause "$follower"
grep -q "member $follower: paused" <("$script" status) || fail "member $follower not shown paused"
put k3 v3 || fail "no write with a follower paused"
"$script" resume "$follower"

pids="$(cat "$ETCD3_STATE"/m*.pid)"
"$script" down
for pid in $pids; do
  stat="$(ps -o stat= -p "$pid" 2>/dev/null || true)"
  [[ -z "$stat" || "$stat" == Z* ]] || fail "pid $pid still runs after down ($stat)"
done
[[ ! -e "$data" ]] || fail "the data directory $data is still there after down"
[[ ! -e "$ETCD3_STATE" ]] || fail "the state $ETCD3_STATE is still there after down"
# A second cluster on ports in use is refused, not reported up.
"$script" up >/dev/null
if ETCD3_STATE="$ETCD3_STATE.2" "$script" up 2>/dev/null; then
  ETCD3_STATE="$ETCD3_STATE.2" "$script" down >/dev/null 2>&1 || true
  fail "a second up on the same ports succeeded"
fi
"$script" down
echo "ok: up, leader killed and restarted, follower paused and resumed, down"
