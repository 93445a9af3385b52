#pragma once
// Accuracy of an estimated map against the truth over an evaluation mask.
#include <opencv2/core.hpp>

#include <vector>

namespace mollichrom::train {

struct MapAccuracy {
  double pearson = 0, relativeL2 = 0, finiteFraction = 0;
  int pixels = 0;  // in the evaluation mask
};

// Over mask ∩ finite(estimate): Pearson correlation and ‖est − truth‖/‖truth‖; finiteFraction
// is the share of mask pixels where the estimate is finite.
MapAccuracy compareMaps(const cv::Mat& estimate, const cv::Mat& truth, const cv::Mat& mask);

// Per connected part of `region` (8-connected, e.g. each nucleus): its pixel count and the
// share of it where `map` is finite, in label order.
struct PartFinite {
  int pixels = 0;
  double finiteShare = 0;
};
std::vector<PartFinite> finiteSharePerPart(const cv::Mat& map, const cv::Mat& region);

// The benchmark's evaluation region: density > threshold, at least `margin` px inside it.
cv::Mat evaluationMask(const cv::Mat& cleanDensity, double threshold = 0.35, int margin = 8);

}  // namespace mollichrom::train
