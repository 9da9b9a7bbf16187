#!/usr/bin/env bash
# clang-format on every C++ file of ours. `scripts/format.sh --check` changes nothing and fails
# when a file is not formatted (a ctest runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h' '*.cc' 2>/dev/null || find engine training realtime ui app tests bench -name '*.[ch]pp')
if [[ "${1:-}" == "--check" ]]; then
  clang-format --dry-run -Werror "${files[@]}"
  echo "format: ${#files[@]} files formatted"
else
  clang-format -i "${files[@]}"
fi
