#pragma once
// What a stack is, before any pixel is decoded: sizes, sample type, axes and calibration.
#include "core/io/Calibration.h"
#include "core/io/PixelType.h"

#include <cstdint>
#include <string>

namespace mollichrom::io {

enum class StackFormat { PlainTiff, ImageJ, OmeTiff, ImageFolder };
std::string stackFormatName(StackFormat f);  // "tiff", "imagej", "ome-tiff", "folder"

struct StackInfo {
  std::string path;
  StackFormat format = StackFormat::PlainTiff;
  int width = 0, height = 0;
  int channels = 1, slices = 1, frames = 1;
  PixelType pixelType = PixelType::UInt8;
  Calibration calibration;
  bool bigTiff = false;
  std::string compression = "none";  // of the first page
  std::string note;                  // anything the user should know (e.g. an axis guess)

  std::int64_t planeCount() const { return std::int64_t(channels) * slices * frames; }
  std::uint64_t planeBytes() const {
    return std::uint64_t(width) * std::uint64_t(height) * std::uint64_t(pixelTypeBytes(pixelType));
  }
  // Bytes of the whole stack in its file sample type.
  std::uint64_t totalBytes() const { return planeBytes() * std::uint64_t(planeCount()); }
  // "TCZYX" with singleton T/C/Z left out, e.g. "TCYX" or "YX".
  std::string axes() const;
  // Index of plane (t, c, z) in the canonical order: c fastest, then z, then t (ImageJ's).
  std::int64_t planeIndex(int t, int c, int z) const {
    return (std::int64_t(t) * slices + z) * channels + c;
  }
};

}  // namespace mollichrom::io
