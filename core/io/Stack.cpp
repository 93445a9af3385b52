#include "core/io/Stack.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace mollichrom::io {

Stack::Stack(StackInfo info, std::vector<cv::Mat> planes)
    : info_(std::move(info)), planes_(std::move(planes)) {
  if (static_cast<std::int64_t>(planes_.size()) != info_.planeCount())
    throw std::invalid_argument("Stack: " + std::to_string(planes_.size()) + " planes for " +
                                std::to_string(info_.planeCount()) + " declared");
  for (const cv::Mat& p : planes_)
    if (p.cols != info_.width || p.rows != info_.height || p.channels() != 1)
      throw std::invalid_argument("Stack: plane size differs from the declared size");
}

StatsAccumulator::StatsAccumulator(int channels)
    : acc_(static_cast<size_t>(channels), Acc{std::numeric_limits<double>::infinity(),
                                              -std::numeric_limits<double>::infinity(), 0.0, 0}) {}

void StatsAccumulator::add(int channel0, const cv::Mat& plane) {
  Acc& a = acc_.at(static_cast<size_t>(channel0));
  const int depth = plane.depth();
  if (depth == CV_32F || depth == CV_64F) {
    // Float data may hold NaN (outside-the-nucleus in our own maps); skip them explicitly.
    cv::Mat d;
    plane.convertTo(d, CV_64F);
    for (int y = 0; y < d.rows; ++y) {
      const double* row = d.ptr<double>(y);
      for (int x = 0; x < d.cols; ++x) {
        const double v = row[x];
        if (!std::isfinite(v)) continue;
        a.min = std::min(a.min, v);
        a.max = std::max(a.max, v);
        a.sum += v;
        ++a.n;
      }
    }
    return;
  }
  double mn = 0, mx = 0;
  cv::minMaxLoc(plane, &mn, &mx);
  a.min = std::min(a.min, mn);
  a.max = std::max(a.max, mx);
  a.sum += cv::sum(plane)[0];
  a.n += plane.total();
}

std::vector<ChannelStats> StatsAccumulator::result() const {
  std::vector<ChannelStats> out;
  for (size_t c = 0; c < acc_.size(); ++c) {
    const Acc& a = acc_[c];
    ChannelStats s;
    s.channel = static_cast<int>(c) + 1;
    s.finiteCount = a.n;
    if (a.n > 0) {
      s.min = a.min;
      s.max = a.max;
      s.mean = a.sum / static_cast<double>(a.n);
    } else {
      s.min = s.max = s.mean = std::numeric_limits<double>::quiet_NaN();
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace mollichrom::io
