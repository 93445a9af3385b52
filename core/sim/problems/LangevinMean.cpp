#include "core/sim/problems/LangevinMean.h"

#include <cmath>

namespace mollichrom::sim {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kTEnd = 2.0;     // time span of the frames
constexpr double kSigma = 0.3;    // the particles' noise
constexpr int kParticles = 4000;  // sampling noise of the mean ≈ 0.3 % of its range
constexpr int kSubsteps = 20;     // Euler–Maruyama steps per frame interval

// Mean of the Euler–Maruyama scheme (exact recursion of its expectation) at kTEnd with step h.
double eulerMean(double h) {
  const int n = static_cast<int>(std::lround(kTEnd / h));
  double m = 1;
  for (int i = 0; i < n; ++i) m *= 1 - langevinK(i * h) * h;
  return m;
}
}  // namespace

double langevinK(double t) { return 1 + 0.6 * std::sin(kPi * t); }

double langevinExactMean(double t) { return std::exp(-(t + 0.6 * (1 - std::cos(kPi * t)) / kPi)); }

ProblemData simulateLangevinMean(const ProblemConfig& c) {
  const int T = c.frames;
  const double frameDt = kTEnd / (T - 1), h = frameDt / kSubsteps;
  auto gen = at::detail::createCPUGenerator(c.seed * 104729 + 1);
  auto x = 1 + 0.05 * at::normal(0, 1, {kParticles}, gen, torch::kFloat64);
  x = x - x.mean() + 1;  // the ensemble starts at the exact mean
  ProblemData d;
  d.clean = torch::empty({T}, torch::kFloat64);
  d.observed = torch::empty({T}, torch::kFloat64);
  d.truth = torch::empty({T}, torch::kFloat64);
  for (int i = 0; i < T; ++i) {
    const double t = i * frameDt;
    d.clean[i] = langevinExactMean(t);
    d.truth[i] = langevinK(t);
    d.observed[i] = x.mean();
    if (i + 1 < T)
      for (int s = 0; s < kSubsteps; ++s) {
        const double ts = t + s * h;
        x = x - langevinK(ts) * x * h +
            kSigma * std::sqrt(h) * at::normal(0, 1, {kParticles}, gen, torch::kFloat64);
      }
  }
  d.dx = 1;
  d.dt = frameDt;
  return d;
}

ConvergenceCheck langevinConvergence() {
  ConvergenceCheck c;
  c.what = "Euler-Maruyama step h: error of the mean at t = 2 (weak order)";
  c.expected = 1;
  for (double h : {0.02, 0.01, 0.005, 0.0025}) {
    c.steps.push_back(h);
    c.errors.push_back(std::abs(eulerMean(h) - langevinExactMean(kTEnd)));
  }
  c.setObservedOrder();
  return c;
}

}  // namespace mollichrom::sim
