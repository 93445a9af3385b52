#pragma once
// ImageJ's TIFF ImageDescription ("ImageJ=1.54f\nimages=42\nchannels=2\n..."), read and
// written. Hyperstack pages are ordered channel fastest, then slice, then frame.
#include <optional>
#include <string>

namespace mollichrom::io {

struct ImageJMetadata {
  int images = 1, channels = 1, slices = 1, frames = 1;
  std::string unit;                 // as written: "micron", "nm", "\\u00B5m", "pixel", ...
  std::optional<double> spacing;    // z step in `unit`
  std::optional<double> finterval;  // frame interval in `tunit` (seconds by default)
  std::string tunit;                // "sec" when absent
  std::optional<double> min, max;   // display range
};

// nullopt when `description` is not an ImageJ description. Invalid numbers are treated as absent
// and counts < 1 as 1; consistency with the file is the reader's job.
std::optional<ImageJMetadata> parseImageJDescription(const std::string& description);
std::string formatImageJDescription(const ImageJMetadata& m);

}  // namespace mollichrom::io
