#!/usr/bin/env bash
# The README's "Many cells" worked example: two conditions whose true lambda differs by 1.6x,
# four simulated fields of three nuclei each per condition, one batch, one merged table and its
# figure. Usage: scripts/many-cells-example.sh [WORK_DIR] (default: a new temporary folder).
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
    "$CLI" simulate --out "stacks/$arm $i.tif" --truth "stacks/$arm $i truth.tif" --size 128 \
      --nuclei 3 --frames 12 --seed "$seed" --lambda-scale "$scale" 2>/dev/null
    echo "\"stacks/$arm $i.tif\",$arm,\"stacks/$arm $i truth.tif\"" >> manifest.csv
  done
done
"$CLI" batch --manifest manifest.csv --out batch
"$CLI" batch collect batch
echo "many-cells-example: $WORK/batch/results.csv, summary.json, summary.png"
