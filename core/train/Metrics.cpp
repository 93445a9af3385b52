#include "core/train/Metrics.h"

#include <opencv2/imgproc.hpp>

#include "core/prep/FieldData.h"

#include <cmath>

namespace mollichrom::train {

MapAccuracy compareMaps(const cv::Mat& estimate, const cv::Mat& truth, const cv::Mat& mask) {
  cv::Mat e, t;
  estimate.convertTo(e, CV_64F);
  truth.convertTo(t, CV_64F);
  MapAccuracy a;
  double se = 0, st = 0, see = 0, stt = 0, set = 0, diff2 = 0, norm2 = 0;
  int n = 0;
  for (int y = 0; y < e.rows; ++y)
    for (int x = 0; x < e.cols; ++x) {
      if (!mask.at<std::uint8_t>(y, x)) continue;
      ++a.pixels;
      const double u = e.at<double>(y, x), v = t.at<double>(y, x);
      if (!std::isfinite(u)) continue;
      ++n;
      se += u;
      st += v;
      see += u * u;
      stt += v * v;
      set += u * v;
      diff2 += (u - v) * (u - v);
      norm2 += v * v;
    }
  if (a.pixels == 0 || n < 2) return a;
  a.finiteFraction = double(n) / a.pixels;
  const double cov = set / n - se / n * st / n, ve = see / n - se * se / n / n,
               vt = stt / n - st * st / n / n;
  a.pearson = ve > 0 && vt > 0 ? cov / std::sqrt(ve * vt) : 0;
  a.relativeL2 = norm2 > 0 ? std::sqrt(diff2 / norm2) : 0;
  return a;
}

cv::Mat evaluationMask(const cv::Mat& cleanDensity, double threshold, int margin) {
  return prep::analysedRegion(cleanDensity > threshold, margin);
}

std::vector<PartFinite> finiteSharePerPart(const cv::Mat& map, const cv::Mat& region) {
  cv::Mat labels;
  const int n = cv::connectedComponents(region, labels, 8, CV_32S);
  std::vector<int> all(static_cast<size_t>(n), 0), finite(static_cast<size_t>(n), 0);
  for (int y = 0; y < labels.rows; ++y)
    for (int x = 0; x < labels.cols; ++x) {
      const int k = labels.at<int>(y, x);
      if (k == 0) continue;
      ++all[size_t(k)];
      if (std::isfinite(map.at<float>(y, x))) ++finite[size_t(k)];
    }
  std::vector<PartFinite> out;
  for (int k = 1; k < n; ++k)
    out.push_back(
        {all[size_t(k)], all[size_t(k)] ? double(finite[size_t(k)]) / all[size_t(k)] : 0.0});
  return out;
}

}  // namespace mollichrom::train
