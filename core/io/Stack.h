#pragma once
// A stack held in memory: one cv::Mat per (t, c, z) plane, in the sample type of the file
// (CV_64F for uint32). OpenCV is the in-memory image type for every per-frame operation.
#include "core/io/StackInfo.h"

#include <opencv2/core.hpp>

#include <vector>

namespace mollichrom::io {

struct ChannelStats {
  int channel = 1;  // 1-based, as users count channels
  double min = 0, max = 0, mean = 0;
  std::int64_t finiteCount = 0;  // NaN/Inf samples are left out of all three figures
};

class Stack {
 public:
  Stack() = default;
  // `planes` in StackInfo::planeIndex order; each width x height, one channel.
  Stack(StackInfo info, std::vector<cv::Mat> planes);

  const StackInfo& info() const { return info_; }
  StackInfo& info() { return info_; }
  const cv::Mat& plane(int t, int c, int z = 0) const {
    return planes_.at(info_.planeIndex(t, c, z));
  }
  cv::Mat& plane(int t, int c, int z = 0) { return planes_.at(info_.planeIndex(t, c, z)); }
  const std::vector<cv::Mat>& planes() const { return planes_; }

 private:
  StackInfo info_;
  std::vector<cv::Mat> planes_;
};

// Accumulates per-channel min/max/mean plane by plane, so stats of a stack larger than memory
// can be computed while streaming it.
class StatsAccumulator {
 public:
  explicit StatsAccumulator(int channels);
  void add(int channel0, const cv::Mat& plane);
  std::vector<ChannelStats> result() const;

 private:
  struct Acc {
    double min, max, sum;
    std::int64_t n;
  };
  std::vector<Acc> acc_;
};

}  // namespace mollichrom::io
