#pragma once
// What the project's figures share (the batch summary, the benchmark suite's plots): OpenCV
// drawing with a fixed palette, text placed by alignment, tick steps and labels, linear and
// logarithmic axes, and the atomic PNG write. No Python or plotting library needed.
#include <opencv2/core.hpp>

#include <string>

namespace mollichrom::util {

// Eight distinguishable colours (BGR), cycling.
cv::Scalar paletteColour(int i);
// align: 0 centred on `at`, 1 right-aligned, −1 left-aligned; `at` is the baseline.
void drawText(cv::Mat& img, const std::string& s, cv::Point at, double scale, int align = 0,
              cv::Scalar colour = {40, 40, 40}, int thickness = 1);
// A round tick step (1, 2, 2.5, 5 × 10^k) giving about five ticks over `span`.
double niceStep(double span);
std::string shortNumber(double v);  // "%.3g"

// A value axis mapped onto pixel rows [top, top + height] (value lo at the bottom), linear or
// logarithmic (lo > 0 then), with grid lines and tick labels drawn left of x = left.
struct ValueAxis {
  double lo = 0, hi = 1;
  bool log = false;
  int top = 0, height = 100;
  int y(double v) const;
  void draw(cv::Mat& img, int left, int right, const std::string& label) const;
};

// PNG-encodes `img` and writes it atomically; throws std::runtime_error naming `path`.
void writePng(const std::string& path, const cv::Mat& img);

}  // namespace mollichrom::util
