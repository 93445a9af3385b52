#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite.
# GUI tests start their own Xvfb (see tests/CMakeLists.txt), so no display is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${MOLLICHROM_BUILD_DIR:-build}
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 900
