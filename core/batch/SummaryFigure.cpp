#include "core/batch/SummaryFigure.h"

#include "core/batch/Collect.h"
#include "core/util/PlotDrawing.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace mollichrom::batch {

namespace {

using util::drawText;
using util::niceStep;
using util::paletteColour;
void text(cv::Mat& img, const std::string& s, cv::Point at, double scale, int align = 0,
          cv::Scalar color = {40, 40, 40}, int thickness = 1) {
  drawText(img, s, at, scale, align, color, thickness);
}
std::string number(double v) { return util::shortNumber(v); }

}  // namespace

std::string asciiLabel(const std::string& s, size_t maxChars) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c < 0x20 || c == 0x7f) ? '?' : char(c);
    } else if ((c & 0xC0) != 0x80) {
      out += '?';  // the lead byte of a multi-byte character; its continuation bytes are skipped
    }
  }
  if (out.size() > maxChars) out = out.substr(0, maxChars - 3) + "...";
  return out;
}

void writeSummaryFigure(const std::string& path, const std::vector<ConditionStats>& conditions) {
  const int k = std::max<int>(1, static_cast<int>(conditions.size()));
  const int slot = 250, left = 90, right = 30, top = 70, bottom = 120, plotH = 400;
  cv::Mat img(top + plotH + bottom, left + slot * k + right, CV_8UC3, cv::Scalar(255, 255, 255));

  // The λ range: 1st–99th percentile of every pixel and nucleus median shown.
  std::vector<double> all;
  for (const auto& c : conditions) {
    all.insert(all.end(), c.medians.begin(), c.medians.end());
    const size_t stride = std::max<size_t>(1, c.pixels.size() / 20000);
    for (size_t i = 0; i < c.pixels.size(); i += stride) all.push_back(c.pixels[i]);
  }
  std::sort(all.begin(), all.end());
  double lo = 0, hi = 1;
  if (!all.empty()) {
    lo = all[static_cast<size_t>(0.01 * double(all.size() - 1))];
    hi = all[static_cast<size_t>(0.99 * double(all.size() - 1))];
  }
  if (!(hi > lo)) hi = lo + 1;
  const double pad = 0.06 * (hi - lo);
  lo -= pad;
  hi += pad;
  const auto yOf = [&](double v) {
    return top + plotH - static_cast<int>(std::lround((v - lo) / (hi - lo) * plotH));
  };

  // Axis, grid and ticks.
  const double step = niceStep(hi - lo);
  for (double v = std::ceil(lo / step) * step; v <= hi; v += step) {
    const int y = yOf(v);
    cv::line(img, {left, y}, {img.cols - right, y}, {232, 232, 232}, 1);
    text(img, number(std::abs(v) < step * 1e-6 ? 0 : v), {left - 8, y + 5}, 0.45, 1);
  }
  cv::line(img, {left, top}, {left, top + plotH}, {60, 60, 60}, 1);
  cv::line(img, {left, top + plotH}, {img.cols - right, top + plotH}, {60, 60, 60}, 1);
  text(img, "lambda = Gamma_me / Gamma_ac per condition", {img.cols / 2, 32}, 0.65, 0, {20, 20, 20},
       1);
  text(img, "violin: all pixels; dots: median of each nucleus; box: their quartiles",
       {img.cols / 2, 55}, 0.42, 0, {90, 90, 90});

  for (int i = 0; i < static_cast<int>(conditions.size()); ++i) {
    const ConditionStats& c = conditions[i];
    const cv::Scalar color = paletteColour(i);
    const cv::Scalar light(255 - (255 - color[0]) * 0.35, 255 - (255 - color[1]) * 0.35,
                           255 - (255 - color[2]) * 0.35);
    const int cx = left + slot * i + slot / 2;
    // Violin: a smoothed histogram of the pixels, mirrored.
    if (!c.pixels.empty()) {
      const int bins = 80;
      std::vector<double> h(bins, 0);
      for (float v : c.pixels) {
        const int b = static_cast<int>((v - lo) / (hi - lo) * bins);
        if (b >= 0 && b < bins) h[b] += 1;
      }
      std::vector<double> s(bins, 0);
      for (int b = 0; b < bins; ++b)
        for (int d = -4; d <= 4; ++d)
          if (b + d >= 0 && b + d < bins) s[b] += h[b + d] * std::exp(-0.5 * d * d / 2.25);
      const double peak = *std::max_element(s.begin(), s.end());
      // The violin ends where its density falls below 1 % of its peak (no hair-thin tails).
      int first = 0, last = bins - 1;
      while (first < last && s[first] < 0.01 * peak) ++first;
      while (last > first && s[last] < 0.01 * peak) --last;
      std::vector<cv::Point> outline;
      for (int b = first; b <= last; ++b)
        outline.emplace_back(cx + static_cast<int>(95 * s[b] / std::max(peak, 1e-12)),
                             yOf(lo + (b + 0.5) * (hi - lo) / bins));
      for (int b = last; b >= first; --b)
        outline.emplace_back(cx - static_cast<int>(95 * s[b] / std::max(peak, 1e-12)),
                             yOf(lo + (b + 0.5) * (hi - lo) / bins));
      cv::fillPoly(img, std::vector<std::vector<cv::Point>>{outline}, light, cv::LINE_AA);
      cv::polylines(img, std::vector<std::vector<cv::Point>>{outline}, true, color, 1, cv::LINE_AA);
    }
    // Box of the nucleus medians and the dots themselves (deterministic jitter).
    if (!c.medians.empty()) {
      cv::rectangle(img, {cx - 22, yOf(c.q75)}, {cx + 22, yOf(c.q25)}, {50, 50, 50}, 1,
                    cv::LINE_AA);
      cv::line(img, {cx - 22, yOf(c.median)}, {cx + 22, yOf(c.median)}, {20, 20, 20}, 3,
               cv::LINE_AA);
      for (size_t n = 0; n < c.medians.size(); ++n) {
        const double jitter = std::fmod(0.618034 * double(n), 1.0) - 0.5;
        cv::circle(img, {cx + static_cast<int>(60 * jitter), yOf(c.medians[n])}, 4, color,
                   cv::FILLED, cv::LINE_AA);
        cv::circle(img, {cx + static_cast<int>(60 * jitter), yOf(c.medians[n])}, 4, {30, 30, 30}, 1,
                   cv::LINE_AA);
      }
    }
    const int y0 = top + plotH + 26;
    text(img, asciiLabel(c.condition), {cx, y0}, 0.6, 0, {20, 20, 20}, 1);
    text(img,
         std::to_string(c.nuclei) + " nuclei, " + std::to_string(c.items) +
             (c.items == 1 ? " stack" : " stacks"),
         {cx, y0 + 24}, 0.45, 0);
    text(img, c.medians.empty() ? std::string("no whole nuclei") : "median " + number(c.median),
         {cx, y0 + 46}, 0.45, 0);
  }
  util::writePng(path, img);
}

}  // namespace mollichrom::batch
