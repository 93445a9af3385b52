#pragma once
// Small pieces the benchmarks share: the seed stream that makes a suite reproducible from one
// master seed, and the median of a map over a mask.
#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace mollichrom::bench {

// SplitMix64: the next seed of the stream; every case draws its seeds from it in order.
inline std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The median (the upper middle for an even count) of a CV_32F map's finite values where the
// CV_8U mask is set; NaN where there are none.
inline double medianOver(const cv::Mat& values, const cv::Mat& mask) {
  std::vector<float> v;
  for (int y = 0; y < values.rows; ++y)
    for (int x = 0; x < values.cols; ++x)
      if (mask.at<std::uint8_t>(y, x) && std::isfinite(values.at<float>(y, x)))
        v.push_back(values.at<float>(y, x));
  if (v.empty()) return std::nan("");
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace mollichrom::bench
