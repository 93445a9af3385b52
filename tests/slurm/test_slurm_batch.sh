#!/usr/bin/env bash
# A batch on a real SLURM cluster: starts a private single-node cluster on localhost
# (munged, slurmctld, slurmd with their own key, ports, state and spool folders in a temporary
# folder), submits a 4-item job array of small simulated stacks whose names carry spaces,
# quotes, $(...), ';', a line break and non-ASCII characters, waits for it (at most 3 min),
# checks every item's outputs and the merged table, and stops exactly the daemons it started
# (by PID). Needs root (slurmd runs jobs as their user) and Debian's slurmctld, slurmd,
# slurm-client and munge (scripts/install-deps.sh installs them). Fails — never skips — when
# they are missing.
# Usage: test_slurm_batch.sh MOLLICHROM_CLI
set -euo pipefail

CLI=$(readlink -f "${1:?usage: test_slurm_batch.sh PATH/TO/mollichrom-cli}")
fail() {
  echo "slurm test: FAIL: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root: slurmd starts the jobs as their user (run the tests as root, as CI does)"
for p in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$p" >/dev/null || fail "'$p' not found: install slurmctld slurmd slurm-client munge (bash scripts/install-deps.sh)"
done

T=$(mktemp -d /tmp/mollichrom-slurm.XXXXXX)
chmod 700 "$T"
PIDS=()
cleanup() {
  local rc=$?
  # Stop exactly what this test started, then make sure it is gone.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ $rc -ne 0 ]; then
    echo "---- slurmctld.log (tail)" >&2; tail -n 20 "$T/slurmctld.log" 2>/dev/null >&2 || true
    echo "---- slurmd.log (tail)" >&2; tail -n 20 "$T/slurmd.log" 2>/dev/null >&2 || true
  fi
  rm -rf "$T"
  exit $rc
}
trap cleanup EXIT

# Ports of our own, away from a real cluster's 6817/6818 and from each other's runs.
BASE=$(( 20000 + ($$ % 2000) * 4 ))
HOST=$(hostname -s)
mkdir -p "$T/state" "$T/spool"
head -c 1024 /dev/urandom > "$T/munge.key"
chmod 400 "$T/munge.key"
cat > "$T/slurm.conf" <<CONF
ClusterName=mollichrom-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$BASE
SlurmdPort=$((BASE + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=4000 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"

munged -F --force --socket="$T/munge.sock" --key-file="$T/munge.key" --pid-file="$T/munged.pid" \
  --log-file="$T/munged.log" --seed-file="$T/munged.seed" >"$T/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$T/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge.sock" ] || fail "munged did not start: $(cat "$T/munged.out")"
slurmctld -D -f "$T/slurm.conf" >"$T/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$T/slurm.conf" >"$T/slurmd.out" 2>&1 &
PIDS+=($!)
started=$(date +%s)
until [ "$(sinfo -h -o %T 2>/dev/null)" = "idle" ]; do
  [ $(( $(date +%s) - started )) -lt 30 ] || fail "the node did not come up in 30 s: $(sinfo 2>&1 | tail -n 2)"
  sleep 0.5
done
echo "slurm test: cluster up in $(( $(date +%s) - started )) s (ports $BASE, $((BASE + 1)))"

# Four small stacks, two conditions (lambda x1 and x1.6), hostile names; the batch folder too.
DATA="$T/data"
mkdir -p "$DATA"
NAMES=("cell A 1.tif" "q'\"\$(touch PWNED); x\`touch PWNED2\`.tif" $'zelle \xc3\xbc\nzwei.tif' "semi;colon & amp.tif")
SCALES=(1 1 1.6 1.6)
CONDS=("control" "control" "behandelt ü" "behandelt ü")
manifest="$T/manifest.csv"
echo "path,condition,name" > "$manifest"
csv() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
for i in 0 1 2 3; do
  "$CLI" simulate --out "$DATA/${NAMES[$i]}" --truth "$DATA/truth$i.tif" --size 64 --frames 6 \
    --seed $((i + 1)) --lambda-scale "${SCALES[$i]}" >/dev/null 2>&1 || fail "simulate ${NAMES[$i]}"
  name=${NAMES[$i]%.tif}
  printf '%s,%s,%s\n' "$(csv "$DATA/${NAMES[$i]}")" "$(csv "${CONDS[$i]}")" "$(csv "$name")" >> "$manifest"
done
OUT="$T/batch 'out' \$(x)"

job=$(cd "$T" && "$CLI" batch --manifest "$manifest" --out "$OUT" --slurm --submit --cpus 1 \
  --mem 1G --time 10 --throttle 2 --steps 2 2>"$T/submit.err") || fail "submit: $(cat "$T/submit.err")"
[[ "$job" =~ ^[0-9]+$ ]] || fail "no job id from batch --submit: '$job' $(cat "$T/submit.err")"
echo "slurm test: submitted job $job"
grep -q "^#SBATCH --array=0-3%2$" "$OUT/slurm/job.sbatch" || fail "array line: $(grep array "$OUT/slurm/job.sbatch")"
for n in "${NAMES[@]}"; do
  base=${n%.tif}
  ! grep -qF "${base:0:6}" "$OUT/slurm/job.sbatch" || fail "a file name reached the sbatch script"
done

set +e
"$CLI" batch status "$OUT" --wait 180 > "$T/status.out"
status_rc=$?
set -e
cat "$T/status.out"
[ $status_rc -eq 0 ] || fail "batch status --wait ended with $status_rc: $(cat "$T/status.out"; cat "$OUT"/slurm/logs/* 2>/dev/null | tail -n 20)"
grep -q "4 done, 0 failed" "$T/status.out" || fail "not every item done"

for n in "${NAMES[@]}"; do
  item="$OUT/items/${n%.tif}"
  for f in lambda.tif lambda.low90.tif lambda.high90.tif nuclei.csv summary.json log.txt status.json; do
    [ -s "$item/$f" ] || fail "missing $item/$f"
  done
  grep -q '"state": "done"' "$item/status.json" || fail "$item not done"
done
[ "$(ls "$OUT"/slurm/logs | wc -l)" -eq 4 ] || fail "expected 4 per-task logs in slurm/logs"
if { find "$T" -name 'PWNED*'; ls / "$PWD"; } 2>/dev/null | grep -q PWNED; then
  fail "a file name was run by a shell"
fi

"$CLI" batch collect "$OUT" 2>"$T/collect.err" || fail "collect: $(cat "$T/collect.err")"
cat "$T/collect.err"
[ -s "$OUT/results.csv" ] && [ -s "$OUT/summary.json" ] && [ -s "$OUT/summary.png" ] || fail "collect outputs"
rows=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=""))); print(len(r)-1, len({x[0] for x in r[1:]}), sorted({x[1] for x in r[1:]}))' "$OUT/results.csv")
echo "slurm test: results.csv: $rows"
[[ "$rows" == *" 4 ['behandelt ü', 'control']" ]] || fail "results.csv should hold the 4 items of both conditions: $rows"
grep -q '"items_done": 4' "$OUT/summary.json" || fail "summary.json items_done"

# The same items run locally give the same numbers: one code path.
LOCAL="$T/local"
"$CLI" batch --manifest "$manifest" --out "$LOCAL" --steps 2 --jobs 2 2>/dev/null || fail "local batch"
"$CLI" batch collect "$LOCAL" 2>/dev/null || fail "local collect"
python3 - "$OUT/results.csv" "$LOCAL/results.csv" <<'PY' || fail "local and cluster results differ"
import csv, sys
a = sorted(list(csv.reader(open(sys.argv[1], newline="")))[1:])
b = sorted(list(csv.reader(open(sys.argv[2], newline="")))[1:])
strip = lambda rows: [r[:2] + r[3:] for r in rows]  # the input column is the same file
assert strip(a) == strip(b), (a[:2], b[:2])
PY
echo "slurm test: cluster and local results identical; PASS"
