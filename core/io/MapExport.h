#pragma once
// Exports of a 2-D map (e.g. λ) for analysis outside Mollichrom: CSV rows (x_um, y_um, value)
// and a PNG figure with colour bar and scale bar. Both written atomically.
#include "core/io/Calibration.h"

#include <opencv2/core.hpp>

#include <optional>
#include <string>
#include <utility>

namespace mollichrom::io {

// Header "x_um,y_um,<valueName>"; one row per pixel in row-major order, x = column * pixelX
// (Fiji's convention). NaN values are written as "NaN". Uncalibrated axes count pixels (1 µm).
void writeMapCsv(const std::string& path, const cv::Mat& map, const Calibration& calibration,
                 const std::string& valueName = "value");

struct MapFigureOptions {
  std::string title;               // above the colour bar, ASCII (Hershey font)
  std::optional<double> min, max;  // colour range; default: 1st..99th percentile of finite values
  int colormap = -1;               // cv::ColormapTypes; -1 = viridis
  int minMapPixels = 384;          // small maps are enlarged (nearest neighbour) to at least this
};

// Renders the figure: map (NaN transparent), colour bar with min/mid/max labels, scale bar with
// its length in µm (in px when uncalibrated). Returns BGRA.
cv::Mat renderMapFigure(const cv::Mat& map, const Calibration& calibration,
                        const MapFigureOptions& options = {});
void writeMapPng(const std::string& path, const cv::Mat& map, const Calibration& calibration,
                 const MapFigureOptions& options = {});

// The qLow and qHigh quantiles (0..1) of the finite values of `map` — the automatic contrast of
// figures and panels; nullopt when no value is finite.
std::optional<std::pair<double, double>> finitePercentileRange(const cv::Mat& map, double qLow,
                                                               double qHigh);

// A "nice" scale-bar length (1, 2 or 5 x 10^k) near a fifth of `widthUm`.
double niceScaleBarLength(double widthUm);

}  // namespace mollichrom::io
