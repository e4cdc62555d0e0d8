#!/usr/bin/env bash
# The service an operator installs (tools/package/): `cmake --install` of this build into a
# scratch root has ledgerctl, the unit, its settings, the policy and the docs; the unit has the
# hardening docs/operations.md promises and passes `systemd-analyze verify` (where systemd is
# present; CI=true requires it); the unit's own ExecStart line, with the installed settings, starts
# a server that answers and stops gracefully on SIGTERM; and CPack's Debian package holds the same
# files, depends on the shared libraries ledgerctl links, marks the settings as a conffile and
# carries the maintainer scripts.
#
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build="$1"
scratch="$(mktemp -d)"
server=""
cleanup() {
  [[ -n "$server" ]] && kill -9 "$server" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix="$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")"
[[ -n "$prefix" ]] || fail "no CMAKE_INSTALL_PREFIX in $build/CMakeCache.txt"
etc="$prefix/etc"
[[ "$prefix" == /usr ]] && etc=/etc
root="$scratch/root"
DESTDIR="$root" cmake --install "$build" --strip >/dev/null

# 1. What `cmake --install` puts where.
for f in "$prefix/bin/ledgerctl" "$prefix/lib/systemd/system/ledger.service" \
  "$etc/complaint-ledger/ledger.conf" "$prefix/share/complaint-ledger/default_policy.json" \
  "$prefix/share/doc/complaint-ledger/operations.md" "$prefix/share/doc/complaint-ledger/README.md" \
  "$prefix/share/doc/complaint-ledger/openapi.yaml"; do
  [[ -f "$root$f" ]] || fail "cmake --install did not install $f"
done
[[ -x "$root$prefix/bin/ledgerctl" ]] || fail "ledgerctl is not executable"
"$root$prefix/bin/ledgerctl" --version | grep -q "^ledgerctl " || fail "the installed ledgerctl does not run"
unit="$root$prefix/lib/systemd/system/ledger.service"
conf="$root$etc/complaint-ledger/ledger.conf"

# 2. The unit: its user, state directory, hardening, restart and stop.
for line in "User=ledger" "Group=ledger" "StateDirectory=complaint-ledger" "StateDirectoryMode=0700" \
  "EnvironmentFile=$etc/complaint-ledger/ledger.conf" "ProtectSystem=strict" "ProtectHome=yes" \
  "NoNewPrivileges=yes" "PrivateTmp=yes" "PrivateDevices=yes" "Restart=on-failure" \
  "KillSignal=SIGTERM" "CapabilityBoundingSet=" "UMask=0077" "WantedBy=multi-user.target"; do
  grep -qx -- "$line" "$unit" || fail "ledger.service lacks '$line'"
done
grep -q "^ExecStart=$prefix/bin/ledgerctl " "$unit" || fail "ExecStart does not run $prefix/bin/ledgerctl"
for var in LEDGER_LISTEN LEDGER_DATA LEDGER_TOKENS LEDGER_SERVE_OPTIONS; do
  grep -q "^$var=" "$conf" || fail "ledger.conf does not set $var"
  grep -q "$var" "$unit" || fail "ledger.service does not use $var"
done

# 3. systemd's own check, on a copy whose paths point into the scratch root (it checks that the
# binary exists). Any message fails: systemd-analyze exits 0 on unknown keys and bad values.
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$scratch/verify"
  sed "s|$prefix/|$root$prefix/|g; s|EnvironmentFile=$etc/|EnvironmentFile=$root$etc/|" "$unit" \
    >"$scratch/verify/ledger.service"
  report="$(systemd-analyze verify --man=no "$scratch/verify/ledger.service" 2>&1)" ||
    fail "systemd-analyze verify: $report"
  [[ -z "$report" ]] || fail "systemd-analyze verify: $report"
  echo "systemd-analyze verify: clean"
elif [[ "${CI:-}" == true ]]; then
  fail "systemd-analyze is missing (tools/setup.sh installs systemd)"
else
  echo "systemd-analyze verify: skipped (no systemd-analyze here)"
fi

# 4. The unit's ExecStart, as systemd expands it with the installed settings (the data and token
# paths moved into the scratch folder, a free port), starts a server; SIGTERM stops it cleanly.
set -a
# shellcheck disable=SC1090
source "$conf"
set +a
LEDGER_DATA="$scratch/state/ledger"
LEDGER_TOKENS="$scratch/state/ledger/tokens.json"
LEDGER_LISTEN=127.0.0.1:0
mkdir -m 0700 "$scratch/state"
exec_line="$(sed -n 's/^ExecStart=//p' "$unit")"
exec_line="${exec_line//$prefix\/bin\/ledgerctl/$root$prefix/bin/ledgerctl}"
for var in LEDGER_DATA LEDGER_LISTEN LEDGER_TOKENS LEDGER_SERVE_OPTIONS; do
  exec_line="${exec_line//\$\{$var\}/${!var}}"  # ${VAR}: one word
  exec_line="${exec_line//\$$var/${!var}}"        # $VAR: split on white space
done
read -r -a argv <<<"$exec_line"
"${argv[@]}" >"$scratch/serve.out" 2>"$scratch/serve.err" &
server=$!
port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$scratch/serve.out" | head -1)"
  [[ -n "$port" ]] && break
  kill -0 "$server" 2>/dev/null || fail "the unit's ExecStart exited: $(cat "$scratch/serve.err")"
  sleep 0.1
done
[[ -n "$port" ]] || fail "the unit's ExecStart did not start listening"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
head -1 <&3 | grep -q "200" || fail "GET /healthz did not answer 200"
exec 3<&-
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=""
[[ $status -eq 0 ]] || fail "SIGTERM: exit $status, not a graceful stop: $(cat "$scratch/serve.err")"
[[ -d "$LEDGER_DATA" ]] || fail "the server did not create $LEDGER_DATA"
"$root$prefix/bin/ledgerctl" --data "$LEDGER_DATA" verify >/dev/null || fail "the new ledger does not verify"
echo "ExecStart with ledger.conf: served /healthz, stopped on SIGTERM with exit 0"

# 5. The Debian package CPack makes of the same install.
(cd "$build" && cpack -G DEB -B "$scratch/deb" >/dev/null) || fail "cpack -G DEB failed"
deb="$(ls "$scratch"/deb/complaint-ledger_*.deb)"
contents="$(dpkg-deb -c "$deb")"
for f in "$prefix/bin/ledgerctl" "$prefix/lib/systemd/system/ledger.service" \
  "$etc/complaint-ledger/ledger.conf" "$prefix/share/complaint-ledger/default_policy.json" \
  "$prefix/share/doc/complaint-ledger/operations.md"; do
  grep -q " \.$f\$" <<<"$contents" || fail "the package lacks $f"
done
depends="$(dpkg-deb -f "$deb" Depends)"
for lib in librocksdb libcapnp libboost-json libboost-url libssl3 adduser; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -e "$deb" "$scratch/control"
grep -qx "$etc/complaint-ledger/ledger.conf" "$scratch/control/conffiles" ||
  fail "ledger.conf is not a conffile"
for script in postinst prerm postrm; do
  [[ -x "$scratch/control/$script" ]] || fail "the package has no executable $script"
done
grep -q "adduser --system" "$scratch/control/postinst" || fail "postinst creates no system user"
echo "package: $(basename "$deb"): files, Depends, conffiles and maintainer scripts as expected"
