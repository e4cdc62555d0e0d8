#!/usr/bin/env bash
# Fails when a C++ file of the source tree drifts from .clang-format (Debian's clang-format-14,
# installed by tools/setup.sh), naming each file and the first lines that differ. The test suite
# runs it (ctest -R style); `tools/check_format.sh --fix` formats the files in place instead.
#
# Before it checks the tree it checks itself: a file formatted against the style must be reported,
# so a broken clang-format call cannot pass silently.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fmt="${CLANG_FORMAT:-clang-format-14}"
if ! command -v "$fmt" >/dev/null; then
  echo "check_format: $fmt is not installed (tools/setup.sh installs it)" >&2
  exit 1
fi

# The planted drift: two statements on one line and a 120-column line.
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
cp "$root/.clang-format" "$probe/"
printf 'int f() { int a = 1; int b = 2; return a + b + 1111111111 + 2222222222 + 3333333333 + 4444444444 + 5555555555; }\n' \
  >"$probe/drift.cc"
if "$fmt" --dry-run --Werror "$probe/drift.cc" >/dev/null 2>&1; then
  echo "check_format: $fmt did not report a file that drifts; the check cannot be trusted" >&2
  exit 1
fi

cd "$root"
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  find ledger projections api tools tests \( -name 'build*' -o -name node_modules \) -prune -o \
    \( -name '*.h' -o -name '*.cc' \) -type f -print0 | sort -z)
if [ "${1:-}" = "--fix" ]; then
  "$fmt" -i "${files[@]}"
  exit 0
fi
drift=0
for f in "${files[@]}"; do
  if ! "$fmt" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "check_format: $f drifts from .clang-format:" >&2
    "$fmt" "$f" | diff "$f" - | head -8 >&2 || true
    drift=$((drift + 1))
  fi
done
if [ "$drift" -gt 0 ]; then
  echo "check_format: $drift of ${#files[@]} files drift; run tools/check_format.sh --fix" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files follow .clang-format"
