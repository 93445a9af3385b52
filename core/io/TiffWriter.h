#pragma once
// Writes stacks and maps as TIFF with ImageJ-compatible metadata (unit, pixel size through the
// resolution tags, spacing, finterval, min/max), so Fiji and tifffile open them calibrated.
// Every write goes to a temporary file renamed over the target when complete.
#include "core/io/Calibration.h"
#include "core/io/Stack.h"

#include <opencv2/core.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mollichrom::io {

enum class TiffCompression { None, LZW, Deflate, PackBits };

struct TiffWriteOptions {
  // Hyperstack shape; `planes` come in StackInfo::planeIndex order (channel fastest).
  int channels = 1, slices = 1, frames = 1;
  Calibration calibration;  // µm and s; unset values are not written
  TiffCompression compression = TiffCompression::None;
  bool imagejMetadata = true;  // ImageJ description and resolution tags
  std::string description;     // when set, replaces the ImageJ description (e.g. OME-XML)
  std::optional<double> displayMin, displayMax;  // default: finite data range
  // Pages hold this many consecutive channels as samples (RGB-style files); 1 = one plane a page.
  int samplesPerPixel = 1;
  bool planarSeparate = false;  // with samplesPerPixel > 1: sample planes, not interleaved
  bool bigEndian = false;       // Motorola byte order
  std::optional<bool> bigTiff;  // default: only when the data exceeds 4 GiB - 64 MiB
  // ImageJ's layout for stacks over 4 GiB: one IFD followed by all planes back to back
  // (uncompressed, single sample). ImageJ and our reader both read it.
  bool imagejContiguous = false;
  // Overrides the TIFF SampleFormat tag (SAMPLEFORMAT_*): only for writing test fixtures such as
  // unsigned 32-bit or complex files from CV_32S / CV_64F planes.
  std::optional<int> sampleFormat;
};

// Planes: CV_8U, CV_16U, CV_16S, CV_32S, CV_32F (and CV_64F, written as 64-bit float, which
// Mollichrom itself refuses to read: for tests of that error). Throws std::runtime_error
// naming `path` on failure; the target is left untouched then.
void writeTiff(const std::string& path, const std::vector<cv::Mat>& planes,
               const TiffWriteOptions& options);

// A Stack with its own shape and calibration (ImageJ hyperstack).
void writeStackTiff(const std::string& path, const Stack& stack,
                    TiffCompression compression = TiffCompression::None);

// A single float32 map (e.g. λ), NaN kept, calibrated.
void writeMapTiff(const std::string& path, const cv::Mat& map, const Calibration& calibration);

}  // namespace mollichrom::io
