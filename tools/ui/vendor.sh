#!/usr/bin/env bash
# Refreshes the web console's vendored browser libraries (docs/ui.md, "Third-party libraries").
#
#   tools/ui/vendor.sh           fetch the versions pinned in api/console/package-lock.json with
#                                `npm ci` (integrity hashes checked by npm), copy their dist files
#                                into api/console/vendor/ and tests/ui/vendor/, write MANIFEST.json
#   tools/ui/vendor.sh --verify  the same fetch into a scratch directory, then compare: fails when a
#                                committed file differs from what the registry serves today
#
# Only this script needs Node and npm (and the npm registry). The build, the server and the tests
# read the committed copies; tests/ui/vendor_test.py checks them against MANIFEST.json. To move a
# library to another version: change it in api/console/package.json, run `npm install
# --package-lock-only` in api/console/, run this script, review and commit all of it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
verify=0
case "${1:-}" in
  --verify) verify=1 ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
  "") ;;
  *) echo "vendor.sh: unknown option $1" >&2; exit 2 ;;
esac
if ! command -v npm >/dev/null; then
  echo "vendor.sh: npm is needed (apt-get install npm); the build itself does not need it" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/api/console/package.json" "$root/api/console/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
nm="$work/node_modules"

out="$root/api/console/vendor"
tests_out="$root/tests/ui/vendor"
if [ "$verify" = 1 ]; then
  out="$work/out/console"
  tests_out="$work/out/tests"
fi
mkdir -p "$out" "$tests_out"

# name|file in the package|vendored as|directory
files=(
  "preact|dist/preact.module.js|preact.module.js|$out"
  "preact|hooks/dist/hooks.module.js|hooks.module.js|$out"
  "preact|LICENSE|LICENSE.preact|$out"
  "htm|dist/htm.module.js|htm.module.js|$out"
  "htm|LICENSE|LICENSE.htm|$out"
  "d3|dist/d3.min.js|d3.min.js|$out"
  "d3|LICENSE|LICENSE.d3|$out"
  "@observablehq/plot|dist/plot.umd.min.js|plot.umd.min.js|$out"
  "@observablehq/plot|LICENSE|LICENSE.plot|$out"
  "axe-core|axe.min.js|axe.min.js|$tests_out"
  "axe-core|LICENSE|LICENSE.axe-core|$tests_out"
)
for f in "${files[@]}"; do
  IFS='|' read -r pkg src dst dir <<<"$f"
  cp "$nm/$pkg/$src" "$dir/$dst"
done
# Preact's hooks import the bare specifier "preact"; without a bundler or an import map (an inline
# script, which the console's CSP forbids) the browser needs a relative path.
sed -i 's|from"preact"|from"./preact.module.js"|g' "$out/hooks.module.js"

python3 - "$root" "$work" "$out" "$tests_out" "${files[@]}" <<'PY'
import hashlib, json, os, sys
root, work, out, tests_out, specs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
lock = json.load(open(os.path.join(work, "package-lock.json")))["packages"]
entries = {}
for spec in specs:
    pkg, src, dst, d = spec.split("|")
    meta = lock["node_modules/" + pkg]
    e = entries.setdefault(pkg, {"name": pkg, "version": meta["version"],
                                 "integrity": meta["integrity"], "files": []})
    rel = os.path.relpath(os.path.join(d, dst), out if d == out else tests_out)
    where = "api/console/vendor/" if d == out else "tests/ui/vendor/"
    e["files"].append({"path": where + rel, "from": src,
                       "sha256": hashlib.sha256(open(os.path.join(d, dst), "rb").read()).hexdigest()})
json.dump({"libraries": list(entries.values())}, open(os.path.join(out, "MANIFEST.json"), "w"),
          indent=2)
open(os.path.join(out, "MANIFEST.json"), "a").write("\n")
PY

if [ "$verify" = 1 ]; then
  diff -r "$out" "$root/api/console/vendor" && diff -r "$tests_out" "$root/tests/ui/vendor" \
    --exclude=README.md || { echo "vendor.sh: the committed copies differ" >&2; exit 1; }
  echo "vendor.sh: the committed copies are what the registry serves for the pinned versions"
else
  echo "vendor.sh: vendored into api/console/vendor/ and tests/ui/vendor/ (see MANIFEST.json)"
fi
