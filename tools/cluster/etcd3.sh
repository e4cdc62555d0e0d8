#!/usr/bin/env bash
# Three etcd members on 127.0.0.1, for the ledger's cluster mode and its tests (issue "High
# availability"; docs/cluster.md). Every process it starts it records, and `down` stops them all
# and deletes their data. Nothing listens beyond 127.0.0.1.
#
#   tools/cluster/etcd3.sh up          start members 1..3 (data in a new temporary directory) and
#                                      wait until the cluster is healthy; prints the endpoints
#   tools/cluster/etcd3.sh down        stop every member it started (paused ones too), delete the data
#   tools/cluster/etcd3.sh kill N      kill -9 member N (1..3)
#   tools/cluster/etcd3.sh start N     start member N again on its data (after kill)
#   tools/cluster/etcd3.sh pause N     SIGSTOP member N (a partition without iptables: its sockets
#                                      stay open, so clients see timeouts, not refusals)
#   tools/cluster/etcd3.sh resume N    SIGCONT member N
#   tools/cluster/etcd3.sh leader      the number of the member that leads now
#   tools/cluster/etcd3.sh endpoints   the client endpoints, comma-separated
#   tools/cluster/etcd3.sh status      each member: running, paused or stopped; then etcd's view
#
# Ports: member N listens for clients on 127.0.0.1:N2379 and for peers on 127.0.0.1:N2380
# (12379, 22379, 32379). The state (the data directory and the PIDs) is kept in $ETCD3_STATE,
# default /tmp/ledger-etcd3-$UID; set it to run several clusters apart (with ETCD3_PORT_BASE,
# default 2379, to move the ports: client N<base>, peer N<base+1>).
# Limits, as the ledger expects them (docs/cluster.md): --quota-backend-bytes 2 GiB (etcd's
# default, raise it with ETCD3_QUOTA_BYTES), --max-txn-ops 128, --max-request-bytes 1.5 MiB,
# revision auto-compaction keeping 10,000 revisions.
set -euo pipefail

state="${ETCD3_STATE:-/tmp/ledger-etcd3-$(id -u)}"
base="${ETCD3_PORT_BASE:-2379}"
quota="${ETCD3_QUOTA_BYTES:-2147483648}"

die() {
  echo "etcd3: $*" >&2
  exit 2
}

need() {
  command -v etcd >/dev/null || die "etcd is not installed (tools/setup.sh installs etcd-server)"
  command -v etcdctl >/dev/null || die "etcdctl is not installed (tools/setup.sh installs etcd-client)"
}

member() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "a member is 1, 2 or 3, not '${1:-}'"
  echo "$1"
}

client_url() { echo "http://127.0.0.1:$1$base"; }
peer_url() { echo "http://127.0.0.1:$1$((base + 1))"; }

endpoints() { echo "$(client_url 1),$(client_url 2),$(client_url 3)"; }

data_dir() {
  [[ -f "$state/data" ]] || die "no cluster is up (tools/cluster/etcd3.sh up)"
  cat "$state/data"
}

pid_of() {
  local f="$state/m$1.pid"
  [[ -f "$f" ]] && cat "$f" || true
}

# Whether process $1 runs (a zombie waiting for its parent to reap it does not).
running() {
  local stat
  stat="$(ps -o stat= -p "$1" 2>/dev/null || true)"
  [[ -n "$stat" && "$stat" != Z* ]]
}

# Whether member $1 runs: its recorded PID is a live process that is this member's etcd (a PID
# reused by another process since is not signalled).
alive() {
  local pid
  pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && running "$pid" &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--name m$1 "
}

# Whether something listens on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_member() {
  local n="$1" data
  data="$(data_dir)"
  if alive "$n"; then die "member $n is running already (pid $(pid_of "$n"))"; fi
  local cluster="m1=$(peer_url 1),m2=$(peer_url 2),m3=$(peer_url 3)"
  local cluster_state=new
  [[ -d "$data/m$n/member" ]] && cluster_state=existing
  etcd --name "m$n" --data-dir "$data/m$n" \
    --listen-client-urls "$(client_url "$n")" --advertise-client-urls "$(client_url "$n")" \
    --listen-peer-urls "$(peer_url "$n")" --initial-advertise-peer-urls "$(peer_url "$n")" \
    --initial-cluster "$cluster" --initial-cluster-state "$cluster_state" \
    --initial-cluster-token "ledger-etcd3-$base" \
    --quota-backend-bytes "$quota" --max-txn-ops 128 --max-request-bytes 1572864 \
    --auto-compaction-mode revision --auto-compaction-retention 10000 \
    >>"$data/m$n.log" 2>&1 &
  echo $! >"$state/m$n.pid"
}

healthy() {
  ETCDCTL_API=3 etcdctl --endpoints "$(endpoints)" --command-timeout=2s endpoint health \
    >/dev/null 2>&1
}

wait_healthy() {
  local deadline=$((SECONDS + ${1:-30}))
  until healthy; do
    if ((SECONDS >= deadline)); then
      echo "etcd3: the cluster is not healthy after ${1:-30} s; the members' logs:" >&2
      tail -n 5 "$(data_dir)"/m*.log >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

cmd="${1:-}"
case "$cmd" in
  up)
    need
    if [[ -f "$state/data" ]]; then
      die "a cluster is up already (state $state); tools/cluster/etcd3.sh down first"
    fi
    for n in 1 2 3; do
      for port in "$n$base" "$n$((base + 1))"; do
        if listening "$port"; then die "127.0.0.1:$port is in use (another cluster?)"; fi
      done
    done
    mkdir -p "$state"
    chmod 700 "$state"
    mktemp -d /tmp/ledger-etcd3-data.XXXXXX >"$state/data"
    for n in 1 2 3; do start_member "$n"; done
    if ! wait_healthy 60 || ! { alive 1 && alive 2 && alive 3; }; then
      echo "etcd3: the members did not all start; their logs are in $(data_dir)" >&2
      "$0" down >/dev/null 2>&1 || true
      exit 1
    fi
    echo "etcd3: 3 members up, data in $(data_dir)" >&2
    endpoints
    ;;
  down)
    if [[ -d "$state" ]]; then
      for n in 1 2 3; do
        alive "$n" || continue
        pid="$(pid_of "$n")"
        kill -CONT "$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
      done
      for n in 1 2 3; do
        alive "$n" || continue
        pid="$(pid_of "$n")"
        for _ in $(seq 50); do running "$pid" || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
      done
      if [[ -f "$state/data" ]]; then
        data="$(cat "$state/data")"
        if [[ "$data" == /tmp/ledger-etcd3-data.* ]]; then rm -rf "$data"; fi
      fi
      # Only what this script wrote: ETCD3_STATE may name a directory that holds more.
      rm -f "$state"/m[123].pid "$state/data"
      rmdir "$state" 2>/dev/null || true
    fi
    echo "etcd3: down" >&2
    ;;
  kill)
    n="$(member "${2:-}")"
    pid="$(pid_of "$n")"
    alive "$n" || die "member $n is not running"
    kill -KILL "$pid"
    while running "$pid"; do sleep 0.05; done
    rm -f "$state/m$n.pid"
    echo "etcd3: killed member $n (pid $pid)" >&2
    ;;
  start)
    need
    n="$(member "${2:-}")"
    start_member "$n"
    echo "etcd3: started member $n (pid $(pid_of "$n"))" >&2
    ;;
  pause | resume)
    n="$(member "${2:-}")"
    alive "$n" || die "member $n is not running"
    kill "$([[ "$cmd" == pause ]] && echo -STOP || echo -CONT)" "$(pid_of "$n")"
    echo "etcd3: ${cmd}d member $n" >&2
    ;;
  leader)
    data_dir >/dev/null
    for n in 1 2 3; do
      alive "$n" || continue
      out="$(ETCDCTL_API=3 etcdctl --endpoints "$(client_url "$n")" --command-timeout=2s \
        endpoint status -w json 2>/dev/null || true)"
      id="$(grep -o '"member_id":[0-9]*' <<<"$out" | cut -d: -f2)"
      lead="$(grep -o '"leader":[0-9]*' <<<"$out" | cut -d: -f2)"
      if [[ -n "$id" && "$id" == "$lead" ]]; then
        echo "$n"
        exit 0
      fi
    done
    echo "etcd3: no member answers as the leader" >&2
    exit 1
    ;;
  endpoints)
    endpoints
    ;;
  status)
    data="$(data_dir)"
    echo "data: $data"
    for n in 1 2 3; do
      pid="$(pid_of "$n")"
      if ! alive "$n"; then
        echo "member $n: stopped"
      elif grep -q '^T' <(ps -o stat= -p "$pid" 2>/dev/null); then
        echo "member $n: paused (pid $pid) $(client_url "$n")"
      else
        echo "member $n: running (pid $pid) $(client_url "$n")"
      fi
    done
    ETCDCTL_API=3 etcdctl --endpoints "$(endpoints)" --command-timeout=2s endpoint status \
      -w table 2>&1 || true
    ;;
  *)
    sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
