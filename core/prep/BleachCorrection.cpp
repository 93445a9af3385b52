#include "core/prep/BleachCorrection.h"

#include <algorithm>
#include <cmath>

namespace mollichrom::prep {

namespace {
double medianOutside(const std::vector<cv::Mat>& frames, const cv::Mat& mask) {
  std::vector<float> v;
  for (const cv::Mat& f : frames)
    for (int y = 0; y < f.rows; ++y)
      for (int x = 0; x < f.cols; ++x)
        if (!mask.at<std::uint8_t>(y, x) && std::isfinite(f.at<float>(y, x)))
          v.push_back(f.at<float>(y, x));
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}
}  // namespace

std::vector<double> bleachGains(const std::vector<cv::Mat>& frames, const cv::Mat& mask) {
  std::vector<double> gains(frames.size(), 1.0);
  if (frames.empty() || cv::countNonZero(mask) == 0) return gains;
  const double background = medianOutside(frames, mask);
  const double ref = cv::mean(frames[0], mask)[0] - background;
  if (!(ref > 0)) return gains;  // nothing above the background: leave the data alone
  for (size_t t = 0; t < frames.size(); ++t) {
    const double level = cv::mean(frames[t], mask)[0] - background;
    if (level > 0) gains[t] = ref / level;
  }
  return gains;
}

void applyBleachGains(std::vector<cv::Mat>& frames, const cv::Mat& mask,
                      const std::vector<double>& gains) {
  const double background = medianOutside(frames, mask);
  for (size_t t = 0; t < frames.size() && t < gains.size(); ++t)
    if (gains[t] != 1.0) frames[t] = (frames[t] - background) * gains[t] + background;
}

}  // namespace mollichrom::prep
