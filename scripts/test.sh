#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite.
# GUI tests start their own Xvfb (see tests/CMakeLists.txt), so no display is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${MOLLICHROM_BUILD_DIR:-build}
cd "$BUILD_DIR"
# Two tests at a time, each with one compute thread (tests/CMakeLists.txt): the 2-core CI
# machine stays busy while one test waits on processes, disks or the package installs.
ctest --output-on-failure --timeout 900 -j 2
