#include "core/sim/ChromatinSimulator.h"

#include "core/io/TiffWriter.h"
#include "core/util/Feedback.h"
#include "core/util/MatTensor.h"

#include <torch/torch.h>

#include <cmath>
#include <random>
#include <stdexcept>

namespace mollichrom::sim {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Squared wavenumbers of an n x n periodic grid with spacing h.
torch::Tensor wavenumber2(int n, double h) {
  auto k = torch::empty({n}, torch::kFloat64);
  for (int i = 0; i < n; ++i) k[i] = 2 * kPi * (i <= n / 2 ? i : i - n) / (n * h);
  return k.unsqueeze(1).pow(2) + k.unsqueeze(0).pow(2);
}

// Smooth periodic Gaussian random field with unit standard deviation, correlation σ pixels.
cv::Mat smoothNoise(int n, double sigmaPx, std::mt19937_64& rng) {
  std::normal_distribution<double> g(0, 1);
  auto w = torch::empty({n, n}, torch::kFloat64);
  auto acc = w.accessor<double, 2>();
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) acc[y][x] = g(rng);
  const auto k2 = wavenumber2(n, 1.0);
  auto f = torch::fft::ifft2(torch::fft::fft2(w) * torch::exp(-0.5 * k2 * sigmaPx * sigmaPx));
  auto r = torch::real(f);
  r = (r - r.mean()) / r.std();
  return util::tensorToMat(r);
}

double gauss2(double x, double y, double cx, double cy, double s) {
  return std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
}

}  // namespace

cv::Mat nucleusDensity(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed * 7919 + 17);
  const cv::Mat texture = smoothNoise(n, 3.0, rng);
  const double R = 0.40 * n, c = (n - 1) / 2.0, w = 1.5;
  cv::Mat d(n, n, CV_32F);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const double r = std::hypot(x - c, y - c);
      const double inside = 0.5 * (1 - std::tanh((r - R) / w));
      d.at<float>(y, x) = static_cast<float>(inside * (0.55 + 0.05 * texture.at<float>(y, x)));
    }
  return d;
}

cv::Mat lambdaPattern(const std::string& pattern, int n, std::uint64_t seed) {
  const double R = 0.40 * n, c = (n - 1) / 2.0;
  cv::Mat l(n, n, CV_32F);
  std::mt19937_64 rng(seed * 104729 + 3);
  if (pattern == "constant") {
    l.setTo(1.5);
    return l;
  }
  if (pattern == "random") {
    const cv::Mat g = smoothNoise(n, 0.15 * R, rng);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) l.at<float>(y, x) = static_cast<float>(std::max(0.2, 1.4 + 0.6 * g.at<float>(y, x)));
    return l;
  }
  struct Blob { double x, y, amp, sigma; };
  std::vector<Blob> blobs;
  double base = 0.7;
  if (pattern == "blob") {
    blobs = {{-0.35, -0.20, 1.8, 0.28}, {0.40, 0.30, 1.2, 0.22}, {0.05, 0.55, 0.9, 0.18}};
  } else if (pattern == "patches") {
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < 7; ++i) {
      const double r = 0.75 * std::sqrt(u(rng)), a = 2 * kPi * u(rng);
      blobs.push_back({r * std::cos(a), r * std::sin(a), 0.6 + 1.2 * u(rng), 0.12 + 0.13 * u(rng)});
    }
  } else if (pattern != "ring") {
    throw std::invalid_argument("unknown pattern '" + pattern + "' (blob, ring, patches, random, constant)");
  }
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const double px = (x - c) / R, py = (y - c) / R;
      double v = base;
      if (pattern == "ring") v += 1.6 * std::exp(-std::pow(std::hypot(px, py) - 0.55, 2) / (2 * 0.14 * 0.14));
      for (const Blob& b : blobs) v += b.amp * gauss2(px, py, b.x, b.y, b.sigma);
      l.at<float>(y, x) = static_cast<float>(v);
    }
  return l;
}

Simulation simulate(const SimulationConfig& c, util::Feedback* feedback) {
  if (c.size < 16 || c.size > 4096) throw std::invalid_argument("--size must be between 16 and 4096");
  if (c.frames < 1) throw std::invalid_argument("--frames must be at least 1");
  if (!(c.dt > 0) || !(c.pixel > 0)) throw std::invalid_argument("--dt and --pixel must be positive");
  if (!(c.noise >= 0)) throw std::invalid_argument("--noise must be >= 0");
  torch::NoGradGuard noGrad;
  Simulation out;
  out.lambda = lambdaPattern(c.pattern, c.size, c.seed);
  const cv::Mat densityMat = nucleusDensity(c.size, c.seed);
  const auto& p = c.params;
  const torch::Tensor phiC = util::matToTensor(densityMat), lambda = util::matToTensor(out.lambda);

  // Start from the reaction equilibrium of the nucleus-average λ: the frames then show the
  // relaxation towards the λ(x) pattern, which carries the information inference needs.
  const double meanLambda = (lambda * phiC).sum().item<double>() / phiC.sum().item<double>();
  torch::Tensor phiD = phiC * ((meanLambda - 1) / (meanLambda + 1));

  const torch::Tensor k2 = wavenumber2(c.size, c.pixel);
  const int substeps = std::max(1, static_cast<int>(std::ceil(c.dt / c.maxSubstep - 1e-9)));
  const double h = c.dt / substeps;
  const double S = 1.0;
  const torch::Tensor implicit = 1 + h * p.M * (p.ell * p.ell * k2 * k2 + S * k2);
  auto record = [&](const torch::Tensor& d) {
    out.density.push_back(densityMat.clone());
    out.hetero.push_back(util::tensorToMat((phiC + d) / 2));
  };
  record(phiD);
  for (int f = 1; f < c.frames; ++f) {
    for (int s = 0; s < substeps; ++s) {
      const torch::Tensor phiH = (phiC + phiD) / 2, phiE = (phiC - phiD) / 2;
      const torch::Tensor muExplicit = -phiE + phiH * (p.phiMax - phiH) * (p.phiMax - 2 * phiH);
      const torch::Tensor reaction = 2 * p.gammaAc * (lambda * phiE - phiH);
      const torch::Tensor rhs = torch::fft::fft2(phiD) +
                                h * (-p.M * k2 * torch::fft::fft2(muExplicit) + torch::fft::fft2(reaction)) +
                                h * p.M * S * k2 * torch::fft::fft2(phiD);
      phiD = torch::real(torch::fft::ifft2(rhs / implicit));
    }
    if (!torch::isfinite(phiD).all().item<bool>())
      throw std::runtime_error("simulation became non-finite (try a smaller --dt)");
    record(phiD);
    if (feedback) {
      feedback->throwIfCanceled();
      feedback->setProgress(double(f) / (c.frames - 1), "simulating");
    }
  }

  double maxDensity = 0;
  cv::minMaxLoc(densityMat, nullptr, &maxDensity);
  out.noiseSigma = c.noise * maxDensity;
  cv::RNG rng(static_cast<std::uint64_t>(c.seed) * 2654435761ull + 1);
  for (int f = 0; f < c.frames; ++f) {
    cv::Mat a(c.size, c.size, CV_32F), b(c.size, c.size, CV_32F);
    rng.fill(a, cv::RNG::NORMAL, 0, out.noiseSigma);
    rng.fill(b, cv::RNG::NORMAL, 0, out.noiseSigma);
    out.densityNoisy.push_back(out.density[f] + a);
    out.heteroNoisy.push_back(out.hetero[f] + b);
  }
  return out;
}

prep::FieldData observedFields(const Simulation& s, const SimulationConfig& c, bool noisy) {
  prep::FieldData f;
  f.density = noisy ? s.densityNoisy : s.density;
  f.hetero = noisy ? s.heteroNoisy : s.hetero;
  f.dx = f.dy = c.pixel;
  f.dt = c.dt;
  f.mask = prep::autoNucleusMask(f.density);
  return f;
}

void writeSimulation(const Simulation& s, const SimulationConfig& c, const std::string& stackPath,
                     const std::string& truthPath) {
  std::vector<cv::Mat> planes;
  for (size_t f = 0; f < s.densityNoisy.size(); ++f) {
    planes.push_back(s.densityNoisy[f]);
    planes.push_back(s.heteroNoisy[f]);
  }
  io::TiffWriteOptions o;
  o.channels = 2;
  o.frames = static_cast<int>(s.densityNoisy.size());
  o.calibration.pixelX = o.calibration.pixelY = c.pixel;
  o.calibration.frameInterval = c.dt;
  io::writeTiff(stackPath, planes, o);
  io::Calibration cal;
  cal.pixelX = cal.pixelY = c.pixel;
  io::writeMapTiff(truthPath, s.lambda, cal);
}

}  // namespace mollichrom::sim
