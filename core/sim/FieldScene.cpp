#include "core/sim/FieldScene.h"

#include "core/io/TiffWriter.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace mollichrom::sim {

void writeScene(const SceneConfig& c, const std::string& stackPath) {
  const int cells = static_cast<int>(std::ceil(std::sqrt(double(std::max(1, c.nuclei)))));
  const int cellW = c.width / cells, cellH = c.height / cells;
  const int rendered = c.nucleusSize * std::max(1, c.upsample);
  if (rendered > std::min(cellW, cellH))
    throw std::invalid_argument("scene: a " + std::to_string(rendered) +
                                " px nucleus does not fit a " + std::to_string(cellW) + "x" +
                                std::to_string(cellH) + " px cell");
  // Up to four distinct simulations; more nuclei reuse them mirrored (the layout still differs).
  std::vector<Simulation> sims;
  for (int i = 0; i < std::min(c.nuclei, 4); ++i) {
    SimulationConfig s = c.sim;
    s.size = c.nucleusSize;
    s.noise = 0;
    s.seed = c.sim.seed + std::uint64_t(i);
    sims.push_back(simulate(s));
  }
  const int T = c.sim.frames;
  std::mt19937_64 rng(c.sim.seed * 7919 + 1);
  std::vector<cv::Mat> planes;
  for (int t = 0; t < T; ++t) {
    cv::Mat phi[2] = {cv::Mat::zeros(c.height, c.width, CV_32F),
                      cv::Mat::zeros(c.height, c.width, CV_32F)};
    for (int i = 0; i < c.nuclei; ++i) {
      const Simulation& s = sims[static_cast<size_t>(i % sims.size())];
      const int cx = (i % cells) * cellW + (cellW - rendered) / 2,
                cy = (i / cells) * cellH + (cellH - rendered) / 2;
      for (int f = 0; f < 2; ++f) {
        cv::Mat n = (f == 0 ? s.density : s.hetero)[static_cast<size_t>(t)];
        if (i >= 4) cv::flip(n, n, i % 3 - 1);
        if (c.upsample > 1) cv::resize(n, n, {rendered, rendered}, 0, 0, cv::INTER_CUBIC);
        n.copyTo(phi[f](cv::Rect(cx, cy, rendered, rendered)));
      }
    }
    const double keep = std::pow(1 - c.bleachPerFrame, t);
    const double shift = c.driftPxPerFrame * t;
    for (auto& p : phi) {
      if (shift != 0) {
        const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, shift, 0, 1, shift);
        cv::warpAffine(p, p, m, p.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
      }
      cv::Mat counts(p.size(), CV_16U);
      std::normal_distribution<double> read(0, c.readNoise);
      for (int y = 0; y < p.rows; ++y)
        for (int x = 0; x < p.cols; ++x) {
          const double mean =
              std::max(0.0, double(p.at<float>(y, x)) * keep + c.background) * c.photons;
          const double photons = mean > 0 ? double(std::poisson_distribution<int>(mean)(rng)) : 0.0;
          counts.at<std::uint16_t>(y, x) = static_cast<std::uint16_t>(
              std::clamp(std::lround(c.offset + c.gain * photons + read(rng)), 0L, 65535L));
        }
      planes.push_back(counts);
    }
  }
  io::TiffWriteOptions o;
  o.channels = 2;
  o.frames = T;
  o.calibration.pixelX = o.calibration.pixelY = c.sim.pixel / std::max(1, c.upsample);
  if (T > 1) o.calibration.frameInterval = c.sim.dt;
  io::writeTiff(stackPath, planes, o);
}

}  // namespace mollichrom::sim
