#!/usr/bin/env bash
# Installs missing dependencies (Debian 12), then configures and builds Mollichrom (Release).
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR=${MOLLICHROM_BUILD_DIR:-build}
JOBS=${MOLLICHROM_JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$BUILD_DIR" --parallel "$JOBS"
