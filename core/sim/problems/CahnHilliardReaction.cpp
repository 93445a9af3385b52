#include "core/sim/problems/CahnHilliardReaction.h"

#include <cmath>

namespace mollichrom::sim {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kTStart = 0.3;    // first frame: after the pattern has formed (e-folding ~0.05)
constexpr double kFrameDt = 0.01;  // frames close enough for a time kernel of a few frames
constexpr double kStab = 2.0;      // stabilisation S·q² (treats the anti-diffusion implicitly)

struct Spectral {
  torch::Tensor q2, implicitPart;  // |q|², and ε²q⁴ + S q²
  explicit Spectral(int n) {
    auto f = torch::fft::fftfreq(n, kRd4Length / n, torch::kFloat64) * (2 * kPi);
    auto g = torch::meshgrid({f, f}, "ij");
    q2 = g[0] * g[0] + g[1] * g[1];
    implicitPart = kRd4Epsilon * kRd4Epsilon * q2 * q2 + kStab * q2;
  }
};

torch::Tensor rateGrid(int n) {
  auto r = torch::empty({n, n}, torch::kFloat64);
  auto a = r.accessor<double, 2>();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) a[i][j] = reactionRate(kRd4Length * j / n, kRd4Length * i / n);
  return r;
}

torch::Tensor initialField(int n, std::uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed * 2654435761ULL + 5);
  auto u = 0.05 * at::normal(0, 1, {n, n}, gen, torch::kFloat64);
  return u - u.mean() + kRd4Mean;
}

// `steps` steps of dt from u.
torch::Tensor advance(torch::Tensor u, const torch::Tensor& r, const Spectral& sp, double dt,
                      int steps) {
  const auto denom = 1 + dt * sp.implicitPart;
  for (int s = 0; s < steps; ++s) {
    const auto nonlinear = torch::fft::fft2(u * u * u - u);
    const auto uh = torch::fft::fft2(u);
    const auto reaction = torch::fft::fft2(r * (u - kRd4Mean));
    const auto rhs = uh + dt * (-sp.q2 * nonlinear + kStab * sp.q2 * uh - reaction);
    u = torch::real(torch::fft::ifft2(rhs / denom));
  }
  return u;
}
}  // namespace

double reactionRate(double x, double y) {
  return 6 + 4 * std::cos(2 * kPi * x / kRd4Length) * std::cos(2 * kPi * y / kRd4Length);
}

ProblemData simulateCahnHilliardReaction(const ProblemConfig& c) {
  const int n = c.size, T = c.frames;
  const double h = kRd4Length / n;
  const double dt = 2e-4;  // well inside the order-1 regime (see cahnHilliardConvergence)
  const double frameDt = kFrameDt;
  const Spectral sp(n);
  const auto r = rateGrid(n);
  auto u = advance(initialField(n, c.seed), r, sp, dt, static_cast<int>(std::lround(kTStart / dt)));
  const int sub = std::max(1, static_cast<int>(std::lround(frameDt / dt)));
  ProblemData d;
  d.clean = torch::empty({T, n, n}, torch::kFloat64);
  for (int t = 0; t < T; ++t) {
    d.clean[t] = u;
    if (t + 1 < T) u = advance(u, r, sp, frameDt / sub, sub);
  }
  d.truth = r;
  d.dx = h;
  d.dt = frameDt;
  return d;
}

ConvergenceCheck cahnHilliardConvergence() {
  ConvergenceCheck c;
  c.what = "time step dt (64² grid): max error at t = 0.2 against dt/16";
  c.expected = 1;
  const int n = 64;
  const double t = 0.2, dt0 = 4e-3;
  const Spectral sp(n);
  const auto r = rateGrid(n);
  const auto u0 = initialField(n, 1);
  const auto ref = advance(u0, r, sp, dt0 / 16, static_cast<int>(std::lround(t / (dt0 / 16))));
  for (double dt : {dt0, dt0 / 2, dt0 / 4}) {
    const auto u = advance(u0, r, sp, dt, static_cast<int>(std::lround(t / dt)));
    c.steps.push_back(dt);
    c.errors.push_back((u - ref).abs().max().item<double>());
  }
  c.setObservedOrder();
  return c;
}

}  // namespace mollichrom::sim
