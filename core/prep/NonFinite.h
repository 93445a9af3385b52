#pragma once
// NaN and ±Inf samples in a float stack. One of them spreads through every convolution of
// the estimate and leaves no finite λ at all, so they are dealt with at load: isolated ones
// (a hot or dead pixel exported as NaN, a division by zero in a Fiji macro) are replaced by
// the median of their finite neighbours and counted in a warning; clumps or many of them
// (a NaN background, a broken export) are refused with one line saying where and what to do.
#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mollichrom::prep {

struct NonFiniteRepair {
  std::int64_t repaired = 0;  // samples replaced
  int planes = 0;             // planes that held any
  int firstFrame = -1;        // 0-based frame of the first one (for the warning), -1 if none
};

// `planes`: one channel's frames (CV_32F), repaired in place. `channel` (1-based) and `path`
// name them in the refusal, thrown as io::StackError.
NonFiniteRepair repairNonFinite(std::vector<cv::Mat>& planes, int channel, const std::string& path);

// The warning's sentence for the repairs of the density and heterochromatin channels, or ""
// when there were none.
std::string nonFiniteWarning(const NonFiniteRepair& density, const NonFiniteRepair& hetero,
                             int densityChannel, int heteroChannel);

}  // namespace mollichrom::prep
