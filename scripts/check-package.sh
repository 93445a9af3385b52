#!/usr/bin/env bash
# The packages as a lab's sysadmin meets them: build them, install them into a clean
# Debian 12 chroot (debootstrap, cached between runs in $MOLLICHROM_CHROOT_CACHE), use them —
# mollichrom-cli --version, info and a short infer on the installed sample, the GUI under
# xvfb-run with --screenshot, the mollifier example built against the installed dev package —
# run lintian on them, then purge and check that nothing is left. Needs root and the Debian
# mirror (ctest label "package": `ctest -LE package` skips it offline).
# Usage: check-package.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: check-package.sh BUILD_DIR}" && pwd)
cache=${MOLLICHROM_CHROOT_CACHE:-/var/cache/mollichrom}
mirror=${MOLLICHROM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
say() { echo "check-package: $*"; }
[ "$(id -u)" -eq 0 ] || { say "needs root (chroot)"; exit 1; }
command -v debootstrap > /dev/null || apt-get install -y -q --no-install-recommends debootstrap > /dev/null
command -v lintian > /dev/null || apt-get install -y -q --no-install-recommends lintian > /dev/null

say "building the packages"
rm -f "$build"/*.deb
(cd "$build" && cmake --build . > /dev/null && cpack -G DEB > /dev/null 2>&1)
debs=("$build"/mollichrom_*.deb "$build"/libmollichrom-mollifier0_*.deb "$build"/mollichrom-dev_*.deb)

say "lintian"
lintian --fail-on error,warning "${debs[@]}"

mkdir -p "$cache/archives"
if [ ! -f "$cache/base/etc/debian_version" ]; then
  say "debootstrap bookworm into $cache/base (once)"
  rm -rf "$cache/base.tmp"
  debootstrap --variant=minbase bookworm "$cache/base.tmp" "$mirror" > "$cache/debootstrap.log"
  mv "$cache/base.tmp" "$cache/base"
fi
root=$(mktemp -d /var/tmp/mollichrom-chroot.XXXXXX)
cleanup() {
  for m in var/cache/apt/archives dev/pts dev proc; do umount "$root/$m" 2> /dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
cp -a "$cache/base/." "$root/"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind "$cache/archives" "$root/var/cache/apt/archives"  # downloads kept between runs
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

say "installing into a clean bookworm"
in_root apt-get update -q > /dev/null
inside=()
for d in "${debs[@]}"; do inside+=("/tmp/debs/$(basename "$d")"); done
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "${inside[@]}" xvfb xauth cmake ninja-build g++ > /dev/null

say "using the installed programs"
in_root mollichrom-cli --version | head -1
in_root mollichrom-cli info /usr/share/mollichrom/sample_data/chromatin_sample.tif | head -3
in_root mollichrom-cli infer /usr/share/mollichrom/sample_data/chromatin_sample.tif --out /tmp/rates.tif \
  --steps 2 --quiet --truth /usr/share/mollichrom/sample_data/chromatin_sample_lambda.tif
test -s "$root/tmp/rates.tif"
in_root man -w mollichrom-cli > /dev/null 2>&1 || test -f "$root/usr/share/man/man1/mollichrom-cli.1.gz"
in_root xvfb-run -a mollichrom /usr/share/mollichrom/sample_data/chromatin_sample.tif \
  --screenshot /tmp/shot.png --quit
test -s "$root/tmp/shot.png"
say "the example against the installed mollichrom-dev"
in_root sh -c 'cp -r /usr/share/doc/mollichrom-dev/examples/mollifier_fit /tmp/ex &&
  cmake -S /tmp/ex -B /tmp/ex/build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null &&
  cmake --build /tmp/ex/build > /dev/null && /tmp/ex/build/mollifier_fit | tail -1'

say "purging"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q mollichrom mollichrom-dev \
  libmollichrom-mollifier0 > /dev/null
# The user's own files (~/.config/Mollichrom: window layout, recent files) are theirs, as with
# any program; everything the packages put on the system must be gone.
left=$(in_root find / -xdev \( -name '*mollichrom*' -o -name 'Mollichrom*' \) -not -path '/tmp/*' \
  -not -path '/root/*' -not -path '/home/*' 2> /dev/null || true)
if [ -n "$left" ]; then
  say "left behind after purge:"
  echo "$left"
  exit 1
fi
say "ok: installed, used, purged without a trace"
