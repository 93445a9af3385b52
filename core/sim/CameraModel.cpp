#include "core/sim/CameraModel.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace mollichrom::sim {

io::Stack cameraStack(const Simulation& s, const SimulationConfig& c, const CameraModel& m,
                      std::uint64_t seed, const std::string& name, bool noisyFields) {
  const auto& density = noisyFields ? s.densityNoisy : s.density;
  const auto& hetero = noisyFields ? s.heteroNoisy : s.hetero;
  const int T = static_cast<int>(density.size()), H = density[0].rows, W = density[0].cols;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> read(0, m.readNoise);
  io::StackInfo info;
  info.path = name;
  info.format = io::StackFormat::ImageJ;
  info.width = W;
  info.height = H;
  info.channels = 2;
  info.frames = T;
  info.pixelType = io::PixelType::UInt16;
  info.calibration.pixelX = info.calibration.pixelY = c.pixel;
  if (T > 1) info.calibration.frameInterval = c.dt;
  std::vector<cv::Mat> planes;
  for (int t = 0; t < T; ++t)
    for (int ch = 0; ch < 2; ++ch) {
      cv::Mat phi = (ch == 0 ? density : hetero)[static_cast<size_t>(t)].clone();
      const double shift = m.driftPxPerFrame * t;
      if (shift != 0) {
        const cv::Mat a = (cv::Mat_<double>(2, 3) << 1, 0, shift, 0, 1, shift);
        cv::warpAffine(phi, phi, a, phi.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
      }
      const double keep = std::pow(1 - m.bleachPerFrame, t);
      cv::Mat counts(H, W, CV_16U);
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const double mean =
              std::max(0.0, double(phi.at<float>(y, x)) * keep + m.background) * m.photons;
          const double k = mean > 0 ? double(std::poisson_distribution<long>(mean)(rng)) : 0.0;
          counts.at<std::uint16_t>(y, x) = static_cast<std::uint16_t>(std::clamp(
              std::lround(m.offset[ch] + m.gain[ch] * k + read(rng)), 0L, long(m.saturateAt)));
        }
      planes.push_back(counts);
    }
  return io::Stack(info, planes);
}

double trueShare(const Simulation& s) {
  if (s.density.empty()) return 0;
  cv::Mat mean = cv::Mat::zeros(s.density[0].size(), CV_32F);
  for (const auto& d : s.density) mean += d;
  mean /= double(s.density.size());
  const cv::Mat nucleus = mean > 0.35;
  double h = 0, d = 0;
  for (size_t t = 0; t < s.density.size(); ++t) {
    h += cv::mean(s.hetero[t], nucleus)[0];
    d += cv::mean(s.density[t], nucleus)[0];
  }
  return d > 0 ? h / d : 0;
}

}  // namespace mollichrom::sim
