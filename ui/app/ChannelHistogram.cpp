#include "ui/app/ChannelHistogram.h"

#include "core/io/Stack.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mollichrom::ui {

double ChannelHistogram::percentile(double q) const {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  if (total <= 0 || counts.empty()) return lo;
  const double target = std::clamp(q, 0.0, 100.0) / 100.0 * total;
  double acc = 0;
  const double width = (hi - lo) / double(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    if (acc + counts[i] >= target && counts[i] > 0)
      return lo + width * (double(i) + (target - acc) / counts[i]);
    acc += counts[i];
  }
  return hi;
}

ChannelHistogram histogramOf(const io::Stack& stack, int channel, int slice) {
  ChannelHistogram h;
  const auto& info = stack.info();
  if (channel < 1 || channel > info.channels) return h;
  double lo = INFINITY, hi = -INFINITY;
  for (int t = 0; t < info.frames; ++t) {
    cv::Mat f;
    stack.plane(t, channel - 1, slice).convertTo(f, CV_32F);
    double a, b;
    cv::minMaxLoc(f, &a, &b, nullptr, nullptr, f == f);
    lo = std::min(lo, a);
    hi = std::max(hi, b);
  }
  if (!(hi > lo)) return h;
  h.lo = lo;
  h.hi = hi;
  h.counts.assign(128, 0.0);
  const double scale = 128 / (hi - lo);
  for (int t = 0; t < info.frames; ++t) {
    cv::Mat f;
    stack.plane(t, channel - 1, slice).convertTo(f, CV_32F);
    for (int y = 0; y < f.rows; ++y)
      for (const float *v = f.ptr<float>(y), *end = v + f.cols; v < end; ++v)
        if (std::isfinite(*v)) h.counts[size_t(std::clamp(int((*v - lo) * scale), 0, 127))] += 1;
  }
  return h;
}

}  // namespace mollichrom::ui
