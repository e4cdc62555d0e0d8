#!/usr/bin/env bash
# Lints docs/openapi.yaml and proves a client generator accepts it (docs/api.md, "The OpenAPI
# document"):
#
#   1. `npm ci` in tools/openapi: the versions and integrity hashes of package-lock.json, from the
#      npm registry (into tools/openapi/node_modules, ignored by git);
#   2. Redocly CLI's linter with tools/openapi/redocly.yaml (the "recommended" ruleset): fails on
#      any error and on any warning;
#   3. openapi-typescript generates the API's types (tools/openapi/generated/ledger-api.ts) and
#      `tsc --noEmit --strict` compiles tools/openapi/client.ts, a small openapi-fetch client that
#      uses them, against them.
#
# Exit 0: clean. Exit 1: a lint problem, a generator failure or a compile error. Exit 77 (the
# skip code CTest knows): node or npm is not installed, or the npm registry cannot be reached —
# it needs the network, so it is not a ctest test. Offline with tools/openapi/node_modules
# already installed from this lockfile, LEDGER_OPENAPI_OFFLINE=1 skips `npm ci` and uses them.
#
# usage: tools/lint-openapi.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/tools/openapi"
spec="$root/docs/openapi.yaml"
SKIP=77

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "lint-openapi: node and npm are not installed; skipped (exit $SKIP)" >&2
  exit $SKIP
fi
# Redocly CLI prints a banner about Node.js 20's end of life on every run: not a finding.
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off

cd "$tools"
if [ "${LEDGER_OPENAPI_OFFLINE:-}" = 1 ] && [ -d node_modules ]; then
  echo "lint-openapi: LEDGER_OPENAPI_OFFLINE=1: using the installed tools/openapi/node_modules"
else
  registry="$(npm config get registry)"
  if ! timeout 30 npm ping >/dev/null 2>&1; then
    echo "lint-openapi: the npm registry ($registry) cannot be reached; skipped (exit $SKIP)" >&2
    exit $SKIP
  fi
  echo "lint-openapi: npm ci (tools/openapi/package-lock.json, from $registry)"
  npm ci --no-audit --no-fund --loglevel=error
fi
bin="$tools/node_modules/.bin"

status=0

# ---- 1. Redocly lint ---------------------------------------------------------------------------
echo "lint-openapi: redocly $("$bin/redocly" --version 2>/dev/null | tail -1) lint (recommended)"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
set +e
"$bin/redocly" lint "$spec" --config "$tools/redocly.yaml" --format=stylish 2>&1 |
  grep -v -e '║' -e '╔' -e '╚' | sed '/^[[:space:]]*$/d'
"$bin/redocly" lint "$spec" --config "$tools/redocly.yaml" --format=json >"$report" 2>/dev/null
set -e
counts="$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.totals.errors} ${r.totals.warnings}`);' "$report" 2>/dev/null || echo "? ?")"
read -r errors warnings <<<"$counts"
if [ "$errors" = "?" ]; then
  echo "lint-openapi: FAIL redocly could not read the document (above)"
  status=1
elif [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then
  echo "lint-openapi: FAIL redocly: $errors error(s), $warnings warning(s)"
  status=1
else
  echo "lint-openapi: PASS redocly: 0 errors, 0 warnings"
fi

# ---- 2. A generated client compiles --------------------------------------------------------------
mkdir -p generated
if "$bin/openapi-typescript" "$spec" --output generated/ledger-api.ts >/dev/null; then
  echo "lint-openapi: openapi-typescript $("$bin/openapi-typescript" --version 2>/dev/null |
    grep -o '[0-9][0-9.]*' | head -1) generated tools/openapi/generated/ledger-api.ts" \
    "($(wc -l <generated/ledger-api.ts) lines)"
  if "$bin/tsc" -p tsconfig.json --noEmit --strict; then
    echo "lint-openapi: PASS tsc $("$bin/tsc" --version | grep -o '[0-9][0-9.]*')" \
      "--noEmit --strict: client.ts compiles against the generated types"
  else
    echo "lint-openapi: FAIL tsc: client.ts does not compile against the generated types"
    status=1
  fi
else
  echo "lint-openapi: FAIL openapi-typescript could not generate a client"
  status=1
fi

exit $status
