#include "core/sim/problems/HeatConduction.h"

#include <cmath>

namespace mollichrom::sim {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kTEnd = 0.01;  // diffusion length √(k t) ≈ 0.1–0.15 of the domain
constexpr double kCfl = 0.2;    // explicit step = kCfl · h² / max k

double wrap(double v) { return v - std::floor(v); }

// Smoothed box along x from a to b (periodic-safe for 0 < a < b < 1 and a narrow width).
double band(double x, double a, double b, double w) {
  return 0.5 * (std::tanh((x - a) / w) - std::tanh((x - b) / w));
}

torch::Tensor initialField(int n, std::uint64_t seed) {
  // Smooth periodic modes with seeded phases.
  const double p1 = 0.7 * double(seed % 7), p2 = 1.3 * double(seed % 5);
  auto u = torch::empty({n, n}, torch::kFloat64);
  auto a = u.accessor<double, 2>();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = double(j) / n, y = double(i) / n;
      a[i][j] = 1 + 0.5 * std::sin(2 * kPi * x + p1) * std::cos(2 * kPi * y) +
                0.3 * std::cos(4 * kPi * x + 2 * kPi * y + p2) +
                0.2 * std::sin(6 * kPi * y - 2 * kPi * x);
    }
  return u;
}

// Face conductivities: kx[i][j] between (i, j) and (i, j+1); ky between (i, j) and (i+1, j).
std::pair<torch::Tensor, torch::Tensor> faceK(int n) {
  auto kx = torch::empty({n, n}, torch::kFloat64), ky = torch::empty({n, n}, torch::kFloat64);
  auto ax = kx.accessor<double, 2>(), ay = ky.accessor<double, 2>();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      ax[i][j] = heatK(wrap((j + 0.5) / n), double(i) / n);
      ay[i][j] = heatK(double(j) / n, wrap((i + 0.5) / n));
    }
  return {kx, ky};
}

// Advances u by `steps` explicit steps of dt (grid spacing h).
torch::Tensor advance(torch::Tensor u, const torch::Tensor& kx, const torch::Tensor& ky, double h,
                      double dt, int steps) {
  for (int s = 0; s < steps; ++s) {
    const auto fx = kx * (torch::roll(u, -1, 1) - u);  // flux through the east face
    const auto fy = ky * (torch::roll(u, -1, 0) - u);  // through the south face
    u = u + dt / (h * h) * (fx - torch::roll(fx, 1, 1) + fy - torch::roll(fy, 1, 0));
  }
  return u;
}

double maxK() { return 1 + 0.8 + 0.6; }

// The field at kTEnd on an n-grid, at a step dt ∝ h² (so time and space errors fall alike).
torch::Tensor solve(int n) {
  const double h = 1.0 / n;
  const double dtMax = kCfl * h * h / maxK();
  const int steps = static_cast<int>(std::ceil(kTEnd / dtMax));
  const auto [kx, ky] = faceK(n);
  return advance(initialField(n, 1), kx, ky, h, kTEnd / steps, steps);
}
}  // namespace

double heatK(double x, double y) {
  const double dx = x - 0.3, dy = y - 0.35;
  return 1 + 0.8 * std::exp(-(dx * dx + dy * dy) / (2 * 0.1 * 0.1)) +
         0.6 * band(x, 0.6, 0.85, 0.03);
}

ProblemData simulateHeat(const ProblemConfig& c) {
  const int n = c.size, T = c.frames;
  const double h = 1.0 / n, frameDt = kTEnd / (T - 1);
  const int sub = static_cast<int>(std::ceil(frameDt / (kCfl * h * h / maxK())));
  const auto [kx, ky] = faceK(n);
  ProblemData d;
  d.clean = torch::empty({T, n, n}, torch::kFloat64);
  auto u = initialField(n, c.seed);
  for (int t = 0; t < T; ++t) {
    d.clean[t] = u;
    if (t + 1 < T) u = advance(u, kx, ky, h, frameDt / sub, sub);
  }
  d.truth = torch::empty({n, n}, torch::kFloat64);
  auto a = d.truth.accessor<double, 2>();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) a[i][j] = heatK(double(j) / n, double(i) / n);
  d.dx = h;
  d.dt = frameDt;
  return d;
}

ConvergenceCheck heatConvergence() {
  ConvergenceCheck c;
  c.what = "grid spacing h (time step ∝ h²): max error at t = 0.01 against a 128² solution";
  c.expected = 2;
  const int ref = 128;
  const auto fine = solve(ref);
  for (int n : {16, 32, 64}) {
    const auto coarse = solve(n);
    const int s = ref / n;  // coarse nodes are every s-th fine node
    const auto sampled =
        fine.index({torch::indexing::Slice(0, ref, s), torch::indexing::Slice(0, ref, s)});
    c.steps.push_back(1.0 / n);
    c.errors.push_back((coarse - sampled).abs().max().item<double>());
  }
  c.setObservedOrder();
  return c;
}

}  // namespace mollichrom::sim
