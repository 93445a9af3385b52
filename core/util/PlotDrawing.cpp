#include "core/util/PlotDrawing.h"

#include "core/util/AtomicFile.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace mollichrom::util {

namespace {
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
}

cv::Scalar paletteColour(int i) {
  static const cv::Scalar kPalette[] = {{180, 119, 31},  {14, 127, 255},  {44, 160, 44},
                                        {40, 39, 214},   {189, 103, 148}, {75, 86, 140},
                                        {194, 119, 227}, {127, 127, 127}};
  return kPalette[((i % 8) + 8) % 8];
}

void drawText(cv::Mat& img, const std::string& s, cv::Point at, double scale, int align,
              cv::Scalar colour, int thickness) {
  int base = 0;
  const cv::Size size = cv::getTextSize(s, kFont, scale, thickness, &base);
  if (align == 0) at.x -= size.width / 2;
  if (align == 1) at.x -= size.width;
  cv::putText(img, s, at, kFont, scale, colour, thickness, cv::LINE_AA);
}

double niceStep(double span) {
  const double raw = span / 5, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::string shortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::abs(v) >= 1000 && std::abs(v) < 1e5 ? "%.0f" : "%.3g", v);
  return buf;
}

int ValueAxis::y(double v) const {
  const double f =
      log ? (std::log10(std::max(v, lo)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
          : (v - lo) / (hi - lo);
  return top + height - static_cast<int>(std::lround(std::clamp(f, -0.02, 1.02) * height));
}

void ValueAxis::draw(cv::Mat& img, int left, int right, const std::string& label) const {
  std::vector<double> ticks;
  if (log) {
    for (double d = std::pow(10.0, std::floor(std::log10(lo))); d <= hi * 1.0001; d *= 10)
      for (double m : {1.0, 2.0, 5.0})
        if (m * d >= lo * 0.9999 && m * d <= hi * 1.0001) ticks.push_back(m * d);
  } else {
    const double step = niceStep(hi - lo);
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-12; v += step)
      ticks.push_back(std::abs(v) < step * 1e-6 ? 0 : v);
  }
  for (double v : ticks) {
    const int yy = y(v);
    cv::line(img, {left, yy}, {right, yy}, {232, 232, 232}, 1);
    drawText(img, shortNumber(v), {left - 6, yy + 5}, 0.42, 1);
  }
  cv::line(img, {left, top}, {left, top + height}, {60, 60, 60}, 1);
  cv::line(img, {left, top + height}, {right, top + height}, {60, 60, 60}, 1);
  drawText(img, label, {left, top - 10}, 0.45, -1, {60, 60, 60});
}

void writePng(const std::string& path, const cv::Mat& img) {
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", img, png)) throw std::runtime_error(path + ": PNG encoding failed");
  writeFileAtomically(path, std::string(png.begin(), png.end()));
}

}  // namespace mollichrom::util
