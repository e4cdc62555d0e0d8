#!/usr/bin/env bash
# Installs the Debian 12 packages the ledger needs to build and test, when they are missing.
# Run as root (or with sudo available). Idempotent: does nothing when everything is there.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  librocksdb-dev capnproto libcapnp-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcereal-dev libcli11-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format-14
  # The web console's real-browser test (tests/ui/run.py, ctest -L browser) and its screenshots:
  # Debian's Chromium and its driver, Selenium for Python, and a CJK font so Chinese pages are not
  # boxes (docs/ui.md, "Tests").
  chromium chromium-driver python3-selenium fonts-wqy-microhei
  # docs/openapi.yaml against the real server (tests/api/openapi_schema_test.py): YAML and JSON Schema.
  python3-yaml python3-jsonschema
  # The independent verifier (tools/verifier/, docs/verify.md): Ed25519 from python3-cryptography;
  # it decodes events with the capnp tool (capnproto, above).
  python3-cryptography
  # The Debian package and its unit (tools/package.sh, tests/package): dpkg-shlibdeps computes the
  # package's Depends; systemd-analyze checks the unit (systemd need not run for that).
  dpkg-dev systemd
  # The cluster mode's three etcd members (tools/cluster/etcd3.sh, docs/cluster.md): Debian's
  # etcd 3.4. The package's own service is disabled below: the project's scripts start and stop
  # every member they need, on 127.0.0.1 only.
  etcd-server etcd-client
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Installing etcd-server enables and starts a packaged etcd on 127.0.0.1:2379 where systemd
  # runs; nothing of the ledger uses it, so it is stopped and disabled.
  if [[ " ${missing[*]} " == *" etcd-server "* && -d /run/systemd/system ]]; then
    $sudo systemctl disable --now etcd.service >/dev/null 2>&1 || true
  fi
fi
