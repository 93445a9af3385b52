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

namespace {

struct Nucleus {
  double cx, cy, R;  // px
};

// Where the nuclei of a field sit: one centred nucleus, or several smaller ones on a grid of
// cells (jittered), the last pushed against the image border (cut by it).
std::vector<Nucleus> nucleusLayout(int n, int count, std::uint64_t seed) {
  if (count <= 1) return {{(n - 1) / 2.0, (n - 1) / 2.0, 0.40 * n}};
  std::mt19937_64 rng(seed * 31337 + 5);
  std::uniform_real_distribution<double> u(0, 1);
  const int cells = static_cast<int>(std::ceil(std::sqrt(double(count))));
  const double cell = double(n) / cells;
  std::vector<Nucleus> out;
  for (int i = 0; i < count; ++i) {
    Nucleus k;
    k.R = 0.34 * cell * (0.85 + 0.15 * u(rng));
    k.cx = (i % cells + 0.5) * cell + 0.06 * cell * (u(rng) - 0.5);
    k.cy = (i / cells + 0.5) * cell + 0.06 * cell * (u(rng) - 0.5);
    if (i == count - 1) k.cx = (i % cells) * 2 < cells ? 0.45 * k.R : n - 1 - 0.45 * k.R;
    out.push_back(k);
  }
  return out;
}

// The nucleus that owns pixel (x, y): the one whose scaled distance is smallest.
const Nucleus& owner(const std::vector<Nucleus>& ks, double x, double y) {
  size_t best = 0;
  double bestD = 1e300;
  for (size_t i = 0; i < ks.size(); ++i) {
    const double d = std::hypot(x - ks[i].cx, y - ks[i].cy) / ks[i].R;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return ks[best];
}

double smoothStep(double s) { return 0.5 * (1 + std::tanh(s)); }

}  // namespace

cv::Mat nucleusDensity(int n, std::uint64_t seed) {
  SimulationConfig c;
  c.size = n;
  c.seed = seed;
  return nucleusDensity(c);
}

cv::Mat nucleusDensity(const SimulationConfig& c) {
  const int n = c.size;
  std::mt19937_64 rng(c.seed * 7919 + 17);
  const cv::Mat texture = smoothNoise(n, 3.0, rng);
  const auto nuclei = nucleusLayout(n, c.nuclei, c.seed);
  const double w = 1.5;
  cv::Mat d(n, n, CV_32F);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      double inside = 0;
      for (const Nucleus& k : nuclei)
        inside = std::max(inside, 1 - smoothStep((std::hypot(x - k.cx, y - k.cy) - k.R) / w));
      d.at<float>(y, x) =
          static_cast<float>(inside * (c.densityMean + c.densityTexture * texture.at<float>(y, x)));
    }
  return d;
}

bool isKnownPattern(const std::string& p) {
  for (const char* k :
       {"blob", "ring", "patches", "random", "constant", "sharp-ring", "edge", "gradient", "spots"})
    if (p == k) return true;
  return false;
}

namespace {

cv::Mat lambdaPatternFor(const std::string& pattern, int n, std::uint64_t seed,
                         const std::vector<Nucleus>& nuclei) {
  if (!isKnownPattern(pattern))
    throw std::invalid_argument("unknown pattern '" + pattern +
                                "' (blob, ring, patches, random, constant, sharp-ring, edge, "
                                "gradient, spots)");
  cv::Mat l(n, n, CV_32F);
  std::mt19937_64 rng(seed * 104729 + 3);
  std::uniform_real_distribution<double> u(0, 1);
  if (pattern == "constant") {
    l.setTo(1.5);
    return l;
  }
  if (pattern == "random") {
    const cv::Mat g = smoothNoise(n, 0.15 * nuclei.front().R, rng);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        l.at<float>(y, x) = static_cast<float>(std::max(0.2, 1.4 + 0.6 * g.at<float>(y, x)));
    return l;
  }
  struct Blob {
    double x, y, amp, sigma;
  };
  std::vector<Blob> blobs;
  double base = 0.7;
  if (pattern == "blob") {
    blobs = {{-0.35, -0.20, 1.8, 0.28}, {0.40, 0.30, 1.2, 0.22}, {0.05, 0.55, 0.9, 0.18}};
  } else if (pattern == "patches" || pattern == "spots") {
    const int count = pattern == "spots" ? 9 : 7;
    for (int i = 0; i < count; ++i) {
      const double r = 0.75 * std::sqrt(u(rng)), a = 2 * kPi * u(rng);
      if (pattern == "spots")  // radius 3–6 px (set in px below)
        blobs.push_back({r * std::cos(a), r * std::sin(a), 0.8 + 1.2 * u(rng), 3 + 3 * u(rng)});
      else
        blobs.push_back(
            {r * std::cos(a), r * std::sin(a), 0.6 + 1.2 * u(rng), 0.12 + 0.13 * u(rng)});
    }
  }
  // Random geometry of the sharp patterns: band width 3–5 px, edge direction and offset.
  const double bandPx = 3 + 2 * u(rng), angle = 2 * kPi * u(rng), offset = 0.4 * (u(rng) - 0.5);
  const double ca = std::cos(angle), sa = std::sin(angle);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const Nucleus& k = owner(nuclei, x, y);
      const double R = k.R, px = (x - k.cx) / R, py = (y - k.cy) / R;
      double v = base;
      if (pattern == "ring")
        v += 1.6 * std::exp(-std::pow(std::hypot(px, py) - 0.55, 2) / (2 * 0.14 * 0.14));
      if (pattern == "sharp-ring") {
        const double dr = std::abs(std::hypot(x - k.cx, y - k.cy) - 0.6 * R);  // px
        v += 1.6 * (1 - smoothStep((dr - bandPx / 2) / 0.5));
      }
      if (pattern == "edge") v = 0.6 + 1.4 * smoothStep(((px * ca + py * sa) - offset) * R / 1.0);
      if (pattern == "gradient") v = 0.5 + 2.0 * std::clamp((px * ca + py * sa + 1) / 2, 0.0, 1.0);
      for (const Blob& b : blobs) {
        if (pattern == "spots") {
          const double dpx = std::hypot(x - (k.cx + b.x * R), y - (k.cy + b.y * R));
          v += b.amp * (1 - smoothStep((dpx - b.sigma) / 0.5));
        } else {
          v += b.amp * gauss2(px, py, b.x, b.y, b.sigma);
        }
      }
      l.at<float>(y, x) = static_cast<float>(v);
    }
  return l;
}

}  // namespace

cv::Mat lambdaPattern(const std::string& pattern, int n, std::uint64_t seed) {
  return lambdaPatternFor(pattern, n, seed, nucleusLayout(n, 1, seed));
}

Simulation simulate(const SimulationConfig& c, util::Feedback* feedback) {
  if (c.size < 16 || c.size > 4096)
    throw std::invalid_argument("--size must be between 16 and 4096");
  if (c.frames < 1) throw std::invalid_argument("--frames must be at least 1");
  if (!(c.dt > 0) || !(c.pixel > 0))
    throw std::invalid_argument("--dt and --pixel must be positive");
  if (!(c.noise >= 0)) throw std::invalid_argument("--noise must be >= 0");
  torch::NoGradGuard noGrad;
  Simulation out;
  if (c.nuclei < 1 || c.nuclei > 16)
    throw std::invalid_argument("--nuclei must be between 1 and 16");
  if (c.start != "equilibrium" && c.start != "white" && c.start != "steady")
    throw std::invalid_argument("unknown start '" + c.start + "' (equilibrium, white, steady)");
  if (!(c.lambdaScale > 0)) throw std::invalid_argument("--lambda-scale must be > 0");
  out.lambda = lambdaPatternFor(c.pattern, c.size, c.seed, nucleusLayout(c.size, c.nuclei, c.seed));
  out.lambda *= c.lambdaScale;
  const cv::Mat densityMat = nucleusDensity(c);
  const auto& p = c.params;
  const torch::Tensor phiC = util::matToTensor(densityMat), lambda = util::matToTensor(out.lambda);

  // Start from the reaction equilibrium of the nucleus-average λ: the frames then show the
  // relaxation towards the λ(x) pattern, which carries the information inference needs.
  const double meanLambda = (lambda * phiC).sum().item<double>() / phiC.sum().item<double>();
  torch::Tensor phiD = phiC * ((meanLambda - 1) / (meanLambda + 1));
  if (c.start == "white") {
    // White noise around the mean: the first frames show coarsening, not only the reaction.
    std::mt19937_64 wrng(c.seed * 6364136223846793005ull + 11);
    std::normal_distribution<double> g(0, 0.05);
    auto w = torch::empty({c.size, c.size}, torch::kFloat64);
    auto acc = w.accessor<double, 2>();
    for (int y = 0; y < c.size; ++y)
      for (int x = 0; x < c.size; ++x) acc[y][x] = g(wrng);
    phiD = phiC * ((meanLambda - 1) / (meanLambda + 1)) + w * (phiC > 0.05);
  }

  const torch::Tensor k2 = wavenumber2(c.size, c.pixel);
  const int substeps = std::max(1, static_cast<int>(std::ceil(c.dt / c.maxSubstep - 1e-9)));
  const double h = c.dt / substeps;
  const double S = 1.0;
  const torch::Tensor implicit = 1 + h * p.M * (p.ell * p.ell * k2 * k2 + S * k2);
  // One IMEX step of length hh (the same scheme as below; its fixed point is the discretised
  // steady state whatever hh, so relaxation may take long steps).
  auto step = [&](const torch::Tensor& d, double hh, const torch::Tensor& implicitH) {
    const torch::Tensor phiH = (phiC + d) / 2, phiE = (phiC - d) / 2;
    const torch::Tensor muExplicit = -phiE + phiH * (p.phiMax - phiH) * (p.phiMax - 2 * phiH);
    const torch::Tensor reaction = 2 * p.gammaAc * (lambda * phiE - phiH);
    const torch::Tensor rhs =
        torch::fft::fft2(d) +
        hh * (-p.M * k2 * torch::fft::fft2(muExplicit) + torch::fft::fft2(reaction)) +
        hh * p.M * S * k2 * torch::fft::fft2(d);
    return torch::real(torch::fft::ifft2(rhs / implicitH));
  };
  if (c.start == "steady" || c.relaxSeconds > 0) {
    const double hh = c.start == "steady" ? 0.01 : h;
    const torch::Tensor implicitH = 1 + hh * p.M * (p.ell * p.ell * k2 * k2 + S * k2);
    const int perSecond = static_cast<int>(std::round(1.0 / hh));
    const double limit = c.start == "steady" ? 400.0 : c.relaxSeconds;
    for (double t = 0; t < limit; t += 1.0) {
      const torch::Tensor before = phiD;
      for (int i = 0; i < perSecond; ++i) phiD = step(phiD, hh, implicitH);
      if (!torch::isfinite(phiD).all().item<bool>())
        throw std::runtime_error("simulation became non-finite while relaxing");
      // Steady: the field changes by less than 1e-7 per second (well below any noise level).
      if (c.start == "steady" && (phiD - before).abs().max().item<double>() < 1e-7) break;
      if (feedback) feedback->throwIfCanceled();
    }
  }
  auto record = [&](const torch::Tensor& d) {
    out.density.push_back(densityMat.clone());
    out.hetero.push_back(util::tensorToMat((phiC + d) / 2));
  };
  record(phiD);
  for (int f = 1; f < c.frames; ++f) {
    for (int s = 0; s < substeps; ++s) phiD = step(phiD, h, implicit);
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
