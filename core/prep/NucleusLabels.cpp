#include "core/prep/NucleusLabels.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace mollichrom::prep {

namespace {

// Splits one component where its distance map has several separate cores. A core is a
// connected part of {distance > 0.7 · the component's largest distance}: two round nuclei that
// touch have one each, a single (even elongated) nucleus has one. Cores under 2 % of
// the component are ignored (a core of a round nucleus holds ~9 % of it; a sliver of an
// irregular outline, far less).
std::vector<cv::Mat> splitTouching(const cv::Mat& component) {
  cv::Mat dist;
  cv::distanceTransform(component, dist, cv::DIST_L2, 5);
  double maxD;
  cv::minMaxLoc(dist, nullptr, &maxD);
  cv::Mat cores = dist > 0.7 * maxD;
  cv::Mat markers, stats, centroids;
  const int n = cv::connectedComponentsWithStats(cores, markers, stats, centroids, 8, CV_32S);
  const int area = cv::countNonZero(component);
  std::vector<int> keep;
  for (int i = 1; i < n; ++i)
    if (stats.at<int>(i, cv::CC_STAT_AREA) * 50 >= area) keep.push_back(i);
  if (keep.size() < 2) return {component.clone()};
  // Each pixel to the nearest core (distance to the core set): the split runs along the
  // bisector between cores, where two touching round nuclei meet. (OpenCV's watershed floods
  // by neighbour differences, not by height, and split equal pairs 57:43.)
  std::vector<cv::Mat> distances;
  for (int k : keep) {
    cv::Mat d;
    cv::distanceTransform(markers != k, d, cv::DIST_L2, 5);
    distances.push_back(d);
  }
  std::vector<cv::Mat> parts(keep.size());
  for (auto& p : parts) p = cv::Mat::zeros(component.size(), CV_8U);
  for (int y = 0; y < component.rows; ++y)
    for (int x = 0; x < component.cols; ++x) {
      if (!component.at<std::uint8_t>(y, x)) continue;
      size_t best = 0;
      for (size_t k = 1; k < distances.size(); ++k)
        if (distances[k].at<float>(y, x) < distances[best].at<float>(y, x)) best = k;
      parts[best].at<std::uint8_t>(y, x) = 255;
    }
  return parts;
}

}  // namespace

NucleusLabels labelNuclei(const cv::Mat& mask) {
  NucleusLabels out;
  out.labels = cv::Mat::zeros(mask.size(), CV_32S);
  cv::Mat bin = mask > 0, comps, stats, centroids;
  const int n = cv::connectedComponentsWithStats(bin, comps, stats, centroids, 8, CV_32S);
  int largest = 0;
  for (int i = 1; i < n; ++i) largest = std::max(largest, stats.at<int>(i, cv::CC_STAT_AREA));
  // The largest component always stays (a field of one small nucleus is still a field).
  const int minArea =
      std::min(largest, std::max(kMinNucleusPx, static_cast<int>(kMinNucleusShare * largest)));
  struct Part {
    cv::Mat mask;
    bool split;
  };
  std::vector<Part> parts;
  for (int i = 1; i < n; ++i) {
    if (stats.at<int>(i, cv::CC_STAT_AREA) < minArea) continue;
    const cv::Mat comp = comps == i;
    const auto pieces = splitTouching(comp);
    for (const auto& p : pieces)
      if (pieces.size() == 1 || cv::countNonZero(p) >= kMinNucleusPx)
        parts.push_back({p, pieces.size() > 1});
  }
  for (const Part& p : parts) {
    NucleusInfo info;
    const cv::Moments m = cv::moments(p.mask, true);
    info.areaPx = static_cast<int>(m.m00);
    info.centroidPx = {m.m10 / m.m00, m.m01 / m.m00};
    info.box = cv::boundingRect(p.mask);
    info.touchesBorder = info.box.x == 0 || info.box.y == 0 ||
                         info.box.x + info.box.width == mask.cols ||
                         info.box.y + info.box.height == mask.rows;
    info.split = p.split;
    out.nuclei.push_back(info);
  }
  // Reading order (rows of roughly a nucleus's height, then left to right).
  std::vector<size_t> order(parts.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto& A = out.nuclei[a].centroidPx;
    const auto& B = out.nuclei[b].centroidPx;
    const double band =
        0.5 * std::sqrt(double(std::max(out.nuclei[a].areaPx, out.nuclei[b].areaPx)));
    if (std::abs(A.y - B.y) > band) return A.y < B.y;
    return A.x < B.x;
  });
  std::vector<NucleusInfo> sorted;
  for (size_t k = 0; k < order.size(); ++k) {
    NucleusInfo info = out.nuclei[order[k]];
    info.label = static_cast<int>(k) + 1;
    out.labels.setTo(info.label, parts[order[k]].mask);
    sorted.push_back(info);
  }
  out.nuclei = sorted;
  return out;
}

cv::Mat nucleusMask(const NucleusLabels& l, const std::vector<int>& picked) {
  cv::Mat m = cv::Mat::zeros(l.labels.size(), CV_8U);
  if (picked.empty()) {
    m.setTo(255, l.labels > 0);
    return m;
  }
  for (int k : picked) m.setTo(255, l.labels == k);
  return m;
}

}  // namespace mollichrom::prep
