#!/usr/bin/env bash
# Fails when a C++ source differs from the repository's .clang-format (clang-format 14, the
# version Debian 12 ships): run by ctest as the test "format". `--fix` rewrites the files.
set -euo pipefail
cd "$(dirname "$0")/.."
FORMAT=${CLANG_FORMAT:-clang-format-14}
mapfile -t files < <(find core app ui tests examples \( -name '*.cpp' -o -name '*.h' \) | grep -v '^tests/data/' | sort)
if [ "${1:-}" = "--fix" ]; then
  "$FORMAT" -i "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi
"$FORMAT" --dry-run -Werror "${files[@]}"
echo "check-format: ${#files[@]} files match .clang-format"
