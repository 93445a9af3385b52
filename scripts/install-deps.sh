#!/usr/bin/env bash
# Installs the Debian 12 packages Mollichrom builds, tests and runs with.
# Idempotent and non-interactive: does nothing when every package is present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev libqt6opengl6-dev
  libvtk9-dev
  libtorch-dev
  libopencv-dev
  libtiff-dev libtiff-tools
  python3-tifffile
  libopenblas0-openmp
  xvfb xauth libgl1-mesa-dri
  clang-format-14 fonts-dejavu-core
  debootstrap lintian
  slurmctld slurmd slurm-client munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
