#pragma once
// Accuracy of an estimated map against the truth over an evaluation mask.
#include <opencv2/core.hpp>

namespace mollichrom::train {

struct MapAccuracy {
  double pearson = 0, relativeL2 = 0, finiteFraction = 0;
  int pixels = 0;  // in the evaluation mask
};

// Over mask ∩ finite(estimate): Pearson correlation and ‖est − truth‖/‖truth‖; finiteFraction
// is the share of mask pixels where the estimate is finite.
MapAccuracy compareMaps(const cv::Mat& estimate, const cv::Mat& truth, const cv::Mat& mask);

// The benchmark's evaluation region: density > threshold, at least `margin` px inside it.
cv::Mat evaluationMask(const cv::Mat& cleanDensity, double threshold = 0.35, int margin = 8);

}  // namespace mollichrom::train
