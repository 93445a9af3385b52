#!/usr/bin/env bash
# README command 1: install what is missing, build, and start the GUI on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${MOLLICHROM_BUILD_DIR:-build}
SAMPLE=sample_data/chromatin_sample.tif
args=()
[ -f "$SAMPLE" ] && args+=("$SAMPLE")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display found; starting under xvfb-run (set DISPLAY to see the window)" >&2
  exec xvfb-run -a -s "-screen 0 1600x1200x24" "$BUILD_DIR/app/mollichrom" "${args[@]}" "$@"
fi
exec "$BUILD_DIR/app/mollichrom" "${args[@]}" "$@"
