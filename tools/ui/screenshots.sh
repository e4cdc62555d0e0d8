#!/usr/bin/env bash
# Refreshes the committed screenshot gallery docs/ui/ (docs/ui.md, "Screenshots"): builds ledgerctl
# when needed (into build/, or $LEDGER_BUILD_DIR), then runs the browser test with --out docs/ui,
# which starts a seeded demo ledger (200 complaints, seed 1) and photographs every page in both
# languages at 1280x800 plus a few states (a form with its errors, a conflict, the verified ledger,
# the live feed, the clock chart before and during a pause...).
#
#   tools/ui/screenshots.sh            the console embedded in ledgerctl
#   tools/ui/screenshots.sh --ui-dir   the files in api/console/ as they are on disk (no rebuild
#                                      needed after editing the console)
#
# Needs what tools/setup.sh installs (chromium, chromium-driver, python3-selenium,
# fonts-wqy-microhei). The pictures come from a fixed demo, but Chromium and its fonts move with
# updates: review the diff of docs/ui/ before committing it. The test's checks run as well; the
# pictures are written even when a check fails (the script then exits non-zero).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${LEDGER_BUILD_DIR:-$root/build}"
ledgerctl="$build/tools/ledgerctl/ledgerctl"
out="$root/docs/ui"

if [ ! -x "$ledgerctl" ]; then
  "$root/tools/build.sh"
else
  cmake --build "$build" --target ledgerctl -j "${LEDGER_JOBS:-$(nproc)}"
fi
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# The gallery holds what this run writes, nothing stale.
mkdir -p "$out"
find "$out" -maxdepth 1 -name '*.png' -delete
status=0
CI=true "$python" "$root/tests/ui/run.py" --ledgerctl "$ledgerctl" --out "$out" "$@" || status=$?
echo "screenshots: $(find "$out" -maxdepth 1 -name '*.png' | wc -l) pictures in docs/ui/ (see docs/ui/README.md)"
exit "$status"
