#include "core/prep/IntensityCalibration.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mollichrom::prep {

void parseOffsets(const std::string& text, CountCalibration& c) {
  auto number = [&](const std::string& s) {
    try {
      size_t used = 0;
      const double v = std::stod(s, &used);
      if (used != s.size() || !(v >= 0)) throw std::invalid_argument(s);
      return v;
    } catch (const std::exception&) {
      throw std::invalid_argument("--offset: '" + s + "' is not a count >= 0");
    }
  };
  if (text.find('=') == std::string::npos) {
    c.offset[0] = c.offset[1] = number(text);
    return;
  }
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    if (eq == std::string::npos)
      throw std::invalid_argument("--offset: expected NAME=COUNTS, got '" + item + "'");
    if (key == "density")
      c.offset[0] = number(item.substr(eq + 1));
    else if (key == "heterochromatin" || key == "hetero")
      c.offset[1] = number(item.substr(eq + 1));
    else
      throw std::invalid_argument("--offset: unknown channel '" + key +
                                  "' (density, heterochromatin)");
  }
}

double backgroundLevel(const std::vector<cv::Mat>& planes, const cv::Mat& mask, double* share) {
  // Away from the nuclei: their blurred edges and out-of-focus light are not background.
  cv::Mat grown;
  cv::dilate(mask, grown, cv::getStructuringElement(cv::MORPH_ELLIPSE, {11, 11}));
  const cv::Mat bg = grown == 0;
  const int n = cv::countNonZero(bg);
  if (share) *share = double(n) / double(mask.total());
  std::vector<float> v;
  const size_t step = std::max<size_t>(1, planes.size() / 10);  // ≤ ~10 frames: enough for a median
  for (size_t t = 0; t < planes.size(); t += step)
    for (int y = 0; y < bg.rows; ++y)
      for (int x = 0; x < bg.cols; ++x)
        if (bg.at<std::uint8_t>(y, x)) v.push_back(planes[t].at<float>(y, x));
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void subtractOffsets(std::vector<cv::Mat>& density, std::vector<cv::Mat>& hetero,
                     const cv::Mat& mask, const CountCalibration& c, AppliedCalibration& a) {
  a.used = true;
  int k = 0;
  for (auto* planes : {&density, &hetero}) {
    double share = 0;
    if (c.offset[k] >= 0) {
      a.offset[k] = c.offset[k];
    } else {
      a.offset[k] = backgroundLevel(*planes, mask, &share);
      a.offsetMeasured[k] = true;
      a.backgroundShare = share;
    }
    for (cv::Mat& p : *planes) p -= a.offset[k];
    ++k;
  }
}

void scaleToFractions(std::vector<cv::Mat>& density, std::vector<cv::Mat>& hetero,
                      const cv::Mat& mask, const CountCalibration& c, AppliedCalibration& a) {
  auto nuclearMean = [&](const std::vector<cv::Mat>& planes) {
    double sum = 0;
    for (const cv::Mat& p : planes) sum += cv::mean(p, mask)[0];
    return sum / double(planes.size());
  };
  const double mc = nuclearMean(density), mh = nuclearMean(hetero);
  if (!(mc > 0) || !(mh > 0))
    throw std::invalid_argument(
        std::string("the ") + (mc > 0 ? "heterochromatin" : "density") +
        " channel has no signal above its background over the nuclei (check --channels and "
        "--offset)");
  if (c.hasGains()) {
    a.gainsGiven = true;
    a.scale[0] = c.gain[0];
    a.scale[1] = c.gain[1];
    a.chromatinFraction = mc * c.gain[0];
    a.heteroShare = mh * c.gain[1] / a.chromatinFraction;
  } else {
    a.chromatinFraction = c.chromatinFraction;
    a.heteroShare = c.heteroShare;
    a.scale[0] = c.chromatinFraction / mc;
    a.scale[1] = c.heteroShare * c.chromatinFraction / mh;
  }
  for (cv::Mat& p : density) p *= a.scale[0];
  for (cv::Mat& p : hetero) p *= a.scale[1];
}

}  // namespace mollichrom::prep
