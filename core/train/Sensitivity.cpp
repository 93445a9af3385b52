#include "core/train/Sensitivity.h"

#include "core/train/DirectEstimator.h"
#include "core/train/Metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mollichrom::train {

namespace {

double median(const cv::Mat& m, const cv::Mat& where) {
  std::vector<float> v;
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x)
      if (where.at<std::uint8_t>(y, x) && std::isfinite(m.at<float>(y, x)))
        v.push_back(m.at<float>(y, x));
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

ShareSensitivity shareSensitivity(const prep::FieldData& data, const cv::Mat& lambda,
                                  const models::ParameterChoice& params, double M, double gammaAc,
                                  const MollifierSettings& settings, int halfWidthXY) {
  ShareSensitivity out;
  models::ParameterChoice p = params;
  p.values.M = M;
  p.values.gammaAc = gammaAc;
  p.fixM = p.fixGamma = true;
  MollifierSettings s = settings;
  s.adaptiveXY = false;
  if (halfWidthXY > 0) s.halfWidthXY = halfWidthXY;
  const cv::Mat finite = (lambda == lambda) & data.mask;
  const double base = median(lambda, finite);
  const double factor[2] = {0.9, 1.1};
  for (int k = 0; k < 2; ++k) {
    prep::FieldData d = data;
    d.hetero.clear();
    for (const cv::Mat& h : data.hetero) d.hetero.push_back(h * factor[k]);
    const DirectEstimate e = estimateDirect(d, p, s);
    out.medianChange[k] = base > 0 ? median(e.lambda, finite) / base - 1 : 0;
    out.pearson[k] = compareMaps(e.lambda, lambda, finite).pearson;
  }
  out.computed = true;
  return out;
}

}  // namespace mollichrom::train
