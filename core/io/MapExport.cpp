#include "core/io/MapExport.h"

#include "core/util/AtomicFile.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace mollichrom::io {

void writeMapCsv(const std::string& path, const cv::Mat& map, const Calibration& cal,
                 const std::string& valueName) {
  cv::Mat f;
  map.convertTo(f, CV_64F);
  const double px = cal.pixelXOr1(), py = cal.pixelYOr1();
  std::string out;
  out.reserve(static_cast<size_t>(f.total()) * 28 + 64);
  out += "x_um,y_um," + valueName + "\n";
  char line[96];
  for (int y = 0; y < f.rows; ++y) {
    const double* row = f.ptr<double>(y);
    for (int x = 0; x < f.cols; ++x) {
      const double v = row[x];
      if (std::isfinite(v))
        std::snprintf(line, sizeof line, "%.6g,%.6g,%.9g\n", x * px, y * py, v);
      else
        std::snprintf(line, sizeof line, "%.6g,%.6g,NaN\n", x * px, y * py);
      out += line;
    }
  }
  util::writeFileAtomically(path, out);
}

double niceScaleBarLength(double widthUm) {
  const double target = std::max(widthUm / 5.0, 1e-9);
  const double p = std::pow(10.0, std::floor(std::log10(target)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * p <= target) return m * p;
  return p;
}

namespace {

std::string label(double v) {
  std::ostringstream o;
  o.precision(3);
  o << v;
  return o.str();
}

}  // namespace

std::optional<std::pair<double, double>> finitePercentileRange(const cv::Mat& map, double qLow,
                                                               double qHigh) {
  cv::Mat f;
  map.convertTo(f, CV_32F);
  std::vector<float> v;
  v.reserve(f.total());
  for (int y = 0; y < f.rows; ++y)
    for (int x = 0; x < f.cols; ++x)
      if (std::isfinite(f.at<float>(y, x))) v.push_back(f.at<float>(y, x));
  if (v.empty()) return std::nullopt;
  auto at = [&](double q) {
    const size_t k = static_cast<size_t>(q * double(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return double(v[k]);
  };
  return std::make_pair(at(qLow), at(qHigh));
}

cv::Mat renderMapFigure(const cv::Mat& map, const Calibration& cal, const MapFigureOptions& o) {
  cv::Mat f;
  map.convertTo(f, CV_32F);
  auto [lo, hi] = finitePercentileRange(f, 0.01, 0.99).value_or(std::make_pair(0.0, 1.0));
  if (o.min) lo = *o.min;
  if (o.max) hi = *o.max;
  if (!(hi > lo)) hi = lo + 1.0;
  const int cmap = o.colormap < 0 ? cv::COLORMAP_VIRIDIS : o.colormap;

  const int scale =
      std::max(1, (o.minMapPixels + std::max(f.cols, f.rows) - 1) / std::max(f.cols, f.rows));
  const int mw = f.cols * scale, mh = f.rows * scale;
  const int margin = 16, barW = 22, labelW = 90, titleH = 28;
  const int W = margin + mw + margin + barW + 8 + labelW, H = titleH + mh + margin;
  cv::Mat canvas(H, W, CV_8UC4, cv::Scalar(255, 255, 255, 255));

  // Map: normalised to 8 bits, coloured, NaN pixels fully transparent.
  cv::Mat nan(f.size(), CV_8U), norm8, colour, big, bigNan;
  for (int y = 0; y < f.rows; ++y)
    for (int x = 0; x < f.cols; ++x)
      nan.at<std::uint8_t>(y, x) = std::isfinite(f.at<float>(y, x)) ? 0 : 255;
  cv::Mat clean = f.clone();
  cv::patchNaNs(clean, lo);
  clean.convertTo(norm8, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));
  cv::applyColorMap(norm8, colour, cmap);
  cv::resize(colour, big, {mw, mh}, 0, 0, cv::INTER_NEAREST);
  cv::resize(nan, bigNan, {mw, mh}, 0, 0, cv::INTER_NEAREST);
  cv::Mat bgra;
  cv::cvtColor(big, bgra, cv::COLOR_BGR2BGRA);
  bgra.setTo(cv::Scalar(0, 0, 0, 0), bigNan);
  bgra.copyTo(canvas(cv::Rect(margin, titleH, mw, mh)));

  // Colour bar: top = max, bottom = min.
  cv::Mat ramp(mh, 1, CV_8U);
  for (int y = 0; y < mh; ++y)
    ramp.at<std::uint8_t>(y) =
        cv::saturate_cast<std::uint8_t>(255.0 * (mh - 1 - y) / std::max(1, mh - 1));
  cv::Mat rampColour, rampWide, rampBgra;
  cv::applyColorMap(ramp, rampColour, cmap);
  cv::resize(rampColour, rampWide, {barW, mh}, 0, 0, cv::INTER_NEAREST);
  cv::cvtColor(rampWide, rampBgra, cv::COLOR_BGR2BGRA);
  const int barX = margin + mw + margin;
  rampBgra.copyTo(canvas(cv::Rect(barX, titleH, barW, mh)));
  cv::rectangle(canvas, cv::Rect(barX, titleH, barW, mh), cv::Scalar(0, 0, 0, 255), 1);
  const cv::Scalar ink(0, 0, 0, 255);
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  cv::putText(canvas, label(hi), {barX + barW + 6, titleH + 12}, font, 0.45, ink, 1, cv::LINE_AA);
  cv::putText(canvas, label((lo + hi) / 2), {barX + barW + 6, titleH + mh / 2 + 5}, font, 0.45, ink,
              1, cv::LINE_AA);
  cv::putText(canvas, label(lo), {barX + barW + 6, titleH + mh - 2}, font, 0.45, ink, 1,
              cv::LINE_AA);
  if (!o.title.empty()) cv::putText(canvas, o.title, {margin, 19}, font, 0.55, ink, 1, cv::LINE_AA);

  // Scale bar, bottom-left on the map: white bar with a dark outline reads on any colour map.
  const bool calibrated = cal.pixelX.has_value();
  const double umPerScreenPx = cal.pixelXOr1() / scale;
  const double len = niceScaleBarLength(f.cols * cal.pixelXOr1());
  const int barPx = std::max(2, static_cast<int>(std::lround(len / umPerScreenPx)));
  const int sbX = margin + 10, sbY = titleH + mh - 14;
  cv::rectangle(canvas, cv::Rect(sbX - 1, sbY - 1, barPx + 2, 7), cv::Scalar(0, 0, 0, 255),
                cv::FILLED);
  cv::rectangle(canvas, cv::Rect(sbX, sbY, barPx, 5), cv::Scalar(255, 255, 255, 255), cv::FILLED);
  const std::string sbText = label(len) + (calibrated ? " um" : " px");
  cv::putText(canvas, sbText, {sbX, sbY - 6}, font, 0.45, cv::Scalar(0, 0, 0, 255), 3, cv::LINE_AA);
  cv::putText(canvas, sbText, {sbX, sbY - 6}, font, 0.45, cv::Scalar(255, 255, 255, 255), 1,
              cv::LINE_AA);
  return canvas;
}

void writeMapPng(const std::string& path, const cv::Mat& map, const Calibration& cal,
                 const MapFigureOptions& o) {
  const cv::Mat img = renderMapFigure(map, cal, o);
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", img, png)) throw std::runtime_error(path + ": PNG encoding failed");
  util::writeFileAtomically(path, std::string(png.begin(), png.end()));
}

}  // namespace mollichrom::io
