#!/usr/bin/env bash
# Regenerates the stack I/O fixtures in tests/data/io. Base files come from Mollichrom's own
# writer (tests/tools/make_fixtures.cpp); compression, tiling, byte-order, BigTIFF, planar and
# malformed variants are derived with libtiff's tiffcp/tiffset and plain byte truncation.
#   usage: tests/data/make_fixtures.sh [BUILD_DIR]     (default: ./build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target make_fixtures >/dev/null
out="$root/tests/data/io"
rm -rf "$out"
mkdir -p "$out"
"$build/tests/make_fixtures" "$out"
cd "$out"

derive() { echo "  $2 (tiffcp ${*:3})"; tiffcp "${@:3}" "$1" "$2"; }
derive u16_imagej_tczyx.tif u16_lzw.tif -c lzw
derive u16_imagej_tczyx.tif u16_lzw_predictor.tif -c lzw:2
derive u16_imagej_tczyx.tif u16_deflate.tif -c zip
derive u16_imagej_tczyx.tif u16_packbits.tif -c packbits
derive u16_imagej_tczyx.tif u16_strips3.tif -r 3
derive u16_imagej_tczyx.tif u16_strips3_lzw.tif -r 3 -c lzw
derive u16_imagej_tczyx.tif u16_tiffcp_bigendian.tif -B
derive f32_imagej_2ch.tif f32_tiffcp_bigtiff.tif -8
derive f32_imagej_2ch.tif f32_tiled.tif -t -w 16 -l 16
derive f32_imagej_2ch.tif f32_tiled_deflate_be.tif -t -w 16 -l 16 -c zip -B
derive rgb_u8.tif rgb_planar.tif -p separate
derive rgb_u8.tif rgb_tiled_lzw.tif -t -w 16 -l 16 -c lzw

# Malformed and unsupported files.
echo "  bad_mixed_sizes.tif, bad_mixed_types.tif"
tiffcp u8_plain_3pages.tif u8_other_size.tif bad_mixed_sizes.tif
tiffcp u8_plain_3pages.tif u16_plain_2pages.tif bad_mixed_types.tif
echo "  bad_absurd_size.tif (width and height set to 10^6)"
cp u8_plain_3pages.tif bad_absurd_size.tif
tiffset -s 256 1000000 bad_absurd_size.tif
tiffset -s 257 1000000 bad_absurd_size.tif
echo "  bad_empty.tif, bad_header_only.tif, bad_truncated_ifd.tif"
: > bad_empty.tif
head -c 8 u16_imagej_tczyx.tif > bad_header_only.tif
# A libtiff-written file keeps its IFDs after the pixels: cutting it loses IFDs.
size=$(stat -c %s u16_imagej_tczyx.tif)
head -c $((size * 2 / 3)) u16_imagej_tczyx.tif > bad_truncated_ifd.tif
echo "  bad_corrupt_ifd.tif (first IFD's entry count overwritten)"
cp u8_plain_3pages.tif bad_corrupt_ifd.tif
ifd=$(od -An -tu4 -j4 -N4 u8_plain_3pages.tif | tr -d ' ')
printf '\xff\x7f' | dd of=bad_corrupt_ifd.tif bs=1 seek="$ifd" conv=notrunc status=none
du -sh "$out" | sed 's/^/make_fixtures: /'
