#!/usr/bin/env bash
# Builds examples/mollifier_fit against the mollifier library *as installed* (the lib and dev
# components staged into a temporary prefix, as the mollichrom-dev package lays them out) and
# runs it: find_package(Mollichrom) must work from outside this tree. The test suite's
# package_check does this in a clean chroot; this is the check without root or a mirror.
# Usage: check-example.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: check-example.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for component in lib dev; do
  cmake --install "$build" --prefix "$stage/usr" --component "$component" > /dev/null
done
cmake -S "$src/examples/mollifier_fit" -B "$stage/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$stage/usr" > /dev/null
cmake --build "$stage/example" > /dev/null
"$stage/example/mollifier_fit"
