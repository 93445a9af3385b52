#pragma once
// Every nucleus of a field: connected components of the nucleus mask, debris dropped by size,
// touching nuclei split (each pixel to the nearest core of the distance map), and the ones cut by
// the image border flagged — their statistics describe part of a nucleus only.
#include <opencv2/core.hpp>

#include <vector>

namespace mollichrom::prep {

struct NucleusInfo {
  int label = 0;  // value in NucleusLabels::labels (1, 2, ... in reading order)
  int areaPx = 0;
  cv::Point2d centroidPx;  // x, y
  cv::Rect box;
  bool touchesBorder = false;
  bool split = false;  // separated from a touching neighbour
};

struct NucleusLabels {
  cv::Mat labels;  // CV_32S, 0 = background
  std::vector<NucleusInfo> nuclei;
};

// A component smaller than this share of the largest one is debris, not a nucleus.
constexpr double kMinNucleusShare = 0.15;
// Nor is anything below this many pixels.
constexpr int kMinNucleusPx = 64;

// `mask`: CV_8U, nonzero = nucleus. Labels are numbered top-to-bottom, left-to-right by centroid.
NucleusLabels labelNuclei(const cv::Mat& mask);

// The labels' union as a CV_8U mask (255 = some nucleus); `picked` non-empty keeps only those.
cv::Mat nucleusMask(const NucleusLabels& labels, const std::vector<int>& picked = {});

}  // namespace mollichrom::prep
