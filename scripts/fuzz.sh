#!/usr/bin/env bash
# Builds the libFuzzer target of the stack reader with clang + AddressSanitizer and runs it.
#   usage: scripts/fuzz.sh [SECONDS]   (default 600; 0 = only build)
# Seeds: the committed I/O fixtures. New crash reproducers land in build-fuzz/crashes/; copy
# them to tests/data/io/fuzz/ so test_stack_reader replays them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
bash "$root/scripts/install-deps.sh"
for p in clang libclang-rt-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends clang libclang-rt-dev
    break
  }
done
build="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOLLICHROM_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz_stack_reader
[ "$seconds" = 0 ] && exit 0
corpus="$build/corpus"
mkdir -p "$corpus" "$build/crashes"
find "$root/tests/data/io" -type f -size -200k -exec cp -n {} "$corpus/" \;
cd "$build"
./tests/fuzz/fuzz_stack_reader -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$build/crashes/" -print_final_stats=1 "$corpus"
