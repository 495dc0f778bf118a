#!/usr/bin/env bash
# Installs kg from BUILD_DIR into a scratch prefix, then configures, builds
# and runs tests/package/ against it with find_package(kg).
# Usage: package_test.sh BUILD_DIR SOURCE_DIR [LINKER_FLAGS]
set -euo pipefail
build=$1
source=$2
flags=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/kg/kg.h"
test -f "$work/prefix/lib/cmake/kg/kgConfig.cmake"
# Only the public headers are installed.
if find "$work/prefix/include" -name '*.h' | grep -v '/include/kg/' | grep -q .; then
  echo "headers installed outside include/kg/" >&2
  exit 1
fi
python3 "$source/tests/package/readme_snippets.py" "$source/README.md" "$work/readme.cpp" >/dev/null
cmake -S "$source/tests/package" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXE_LINKER_FLAGS="$flags" -DREADME_SNIPPETS="$work/readme.cpp" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/outside" "$work/db"
# The README's embedding snippets, run twice on one directory: the second
# run finds what the first wrote.
for run in first second; do
  (cd "$work" && "$work/build/readme") >"$work/readme.out"
  # Kunming once from each snippet: the API's, then Cypher's.
  [ "$(cat "$work/readme.out")" = "$(printf "'Kunming'\n'Kunming'")" ] ||
    { echo "README snippets, $run run:"; cat "$work/readme.out"; exit 1; }
done
echo "README snippets: Kunming, twice"
# The installed kg finds the datasets installed beside it.
"$work/prefix/bin/kg" example | grep -F "in $work/prefix/share/kg/datasets "
"$work/prefix/bin/kg" example minmetals --db "$work/example" --no-question 2>&1 | tail -1
