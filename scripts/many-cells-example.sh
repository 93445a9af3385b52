#!/usr/bin/env bash
# The README's "Many cells" worked example: two conditions whose true lambda differs by 1.6x,
# four simulated fields of three nuclei each per condition, recorded as camera counts with one
# microscope setting (the same gains for every field, the marker's channel dimmer), one batch —
# which calibrates the acquisition once from all its fields — one merged table and its figure.
# Usage: scripts/many-cells-example.sh [WORK_DIR] (default: a new temporary folder).
# Builds nothing: run scripts/build.sh first (it uses build/app/mollichrom-cli).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI="$ROOT/build/app/mollichrom-cli"
[ -x "$CLI" ] || { echo "many-cells-example: $CLI missing: run scripts/build.sh first" >&2; exit 1; }
WORK=${1:-$(mktemp -d /tmp/mollichrom-many-cells.XXXXXX)}
mkdir -p "$WORK/stacks"
cd "$WORK"
echo "path,condition,truth" > manifest.csv
for i in 1 2 3 4; do
  for arm in control treated; do
    scale=1; seed=$i
    if [ "$arm" = treated ]; then scale=1.6; seed=$((i + 100)); fi
    "$CLI" simulate --out "stacks/$arm $i.tif" --truth "stacks/$arm $i truth.tif" \
      --nuclei 3 --size 192 --frames 21 --seed "$seed" --lambda-scale "$scale" \
      --counts --gain density=2,heterochromatin=1.3 --noise 0.02 2>/dev/null
    echo "\"stacks/$arm $i.tif\",$arm,\"stacks/$arm $i truth.tif\"" >> manifest.csv
  done
done
"$CLI" batch --manifest manifest.csv --out batch
"$CLI" batch collect batch
echo "many-cells-example: $WORK/batch/results.csv, summary.json, summary.png"
