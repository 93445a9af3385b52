#pragma once
// An intensity histogram of one channel over the whole stack (what the Data dock draws to show
// the mapping from intensities to volume fractions). No widgets: the session computes it on
// its loading thread.
#include <vector>

namespace mollichrom::io {
class Stack;
}

namespace mollichrom::ui {

struct ChannelHistogram {
  double lo = 0, hi = 1;       // intensity range of the bins
  std::vector<double> counts;  // equal-width bins over [lo, hi]
  // Intensity at percentile q (0–100) of the counted values.
  double percentile(double q) const;
};

// 128 bins of channel `channel` (1-based) at `slice` over every frame; empty when the channel
// does not exist or has no contrast.
ChannelHistogram histogramOf(const io::Stack& stack, int channel, int slice);

}  // namespace mollichrom::ui
