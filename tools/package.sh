#!/usr/bin/env bash
# Builds the Debian package of the ledger: complaint-ledger_<version>_<arch>.deb with ledgerctl,
# the systemd unit ledger.service, its settings /etc/complaint-ledger/ledger.conf, the default
# policy and the docs (tools/package/CMakeLists.txt; docs/operations.md, "Installing the service").
#
# Usage: tools/package.sh [--out DIR]   (default DIR: the repository's top folder)
# The build is the demo's Release build (build-demo/, or $LEDGER_BUILD_DIR), configured with the
# install prefix /usr, so a machine that ran tools/demo.sh builds nothing again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
"$root/tools/setup.sh"
build="${LEDGER_BUILD_DIR:-$root/build-demo}"
LEDGER_BUILD_DIR="$build" LEDGER_BUILD_TYPE=Release "$root/tools/build.sh" -DLEDGER_WERROR=ON \
  -DLEDGER_BUILD_TESTS=OFF -DLEDGER_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX=/usr
(cd "$build" && cpack -G DEB -B "$out/.cpack" >/dev/null)
deb="$(ls "$out"/.cpack/complaint-ledger_*.deb)"
mv "$deb" "$out/"
rm -rf "$out/.cpack"
deb="$out/$(basename "$deb")"
echo "package: $deb"
dpkg-deb -f "$deb" Package Version Depends | sed 's/^/  /'
echo "install it (as root): apt install $deb"
echo "then: systemctl status ledger; the settings: /etc/complaint-ledger/ledger.conf (docs/operations.md)"
