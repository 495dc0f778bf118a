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
cmake -S "$source/tests/package" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/outside" "$work/db"
# The installed kg finds the datasets installed beside it.
"$work/prefix/bin/kg" example | grep -F "in $work/prefix/share/kg/datasets "
"$work/prefix/bin/kg" example minmetals --db "$work/example" --no-question 2>&1 | tail -1
