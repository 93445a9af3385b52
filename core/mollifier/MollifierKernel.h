#pragma once
// Compactly supported C∞ mollifiers η_ε sampled on a regular grid, with every partial
// derivative taken from the kernel's closed form (never finite differences of samples).
//
// Why closed forms: ∂^α(g∗η) = g∗∂^αη, so the accuracy of every derivative the model sees is
// the accuracy of ∂^αη at the grid nodes. The derivatives of a radial profile f(s), s =
// Σ(x_i/ε_i)², follow exactly from f's own derivatives:
//   ∂^α f(s) = Σ_j Π_i [α_i!/(j_i!(α_i−2j_i)!) (2x_i/ε_i²)^{α_i−2j_i} ε_i^{−2j_i}] f^{(|α|−|j|)}(s)
// (the Taylor coefficients of f(s(x+h)), s being quadratic), and for the bump
// f(s) = exp(−1/(1−s)) one has f^{(n)}(s) = f(s) P_n(1/(1−s)) with P_{n+1}(u) = u²(P_n'(u) −
// P_n(u)).
#include "core/mollifier/MultiIndex.h"

#include <array>
#include <string>
#include <vector>

namespace mollichrom::mollifier {

enum class KernelFamily {
  Bump,         // radial exp(−1/(1−r²)): C∞, the standard mollifier
  Polynomial,   // radial (1−r²)^k: C^{k−1}, cheaper tails, k = polynomialPower
  BumpProduct,  // Π_i exp(−1/(1−z_i²)): separable, C∞
};

std::string familyName(KernelFamily f);
KernelFamily parseFamily(const std::string& name);  // throws std::invalid_argument

struct KernelSpec {
  KernelFamily family = KernelFamily::Bump;
  int dims = 2;             // 1: x; 2: x, y; 3: x, y, t
  double dx = 1.0;          // grid spacing along x (µm)
  double dy = 1.0;          // along y (µm)
  double dt = 1.0;          // along t (s), dims == 3
  double radius = 3.0;      // ε in space, physical units (same for x and y)
  double radiusT = 3.0;     // ε in time (s), dims == 3
  int polynomialPower = 8;  // k for KernelFamily::Polynomial (needs k > highest order used)
  // Project each sampled ∂^αη onto the discrete moment conditions (see sample()).
  bool momentCorrection = true;
};

class MollifierKernel {
 public:
  // Throws std::invalid_argument when the spec is unusable (spacing ≤ 0, a radius that spans
  // less than one grid step, dims outside 1..3).
  explicit MollifierKernel(const KernelSpec& spec);

  const KernelSpec& spec() const { return spec_; }
  // Nodes on each side of the centre, per axis (x, y, t); 0 for unused axes.
  std::array<int, 3> halfWidth() const { return half_; }
  // Nodes per axis (2r+1), 1 for unused axes.
  std::array<int, 3> shape() const;
  double cellVolume() const;

  // ∂^α η at a physical offset (x, y, t), normalised so the discrete Σ η h^d = 1.
  double value(double x, double y, double t, const MultiIndex& alpha) const;

  // Samples of ∂^α η (or of an operator's kernel) at the grid offsets, in [t][y][x]
  // order, same normalisation as value().
  //
  // With momentCorrection (the default) the samples are then nudged, in proportion to η itself
  // (so the result stays smooth and compactly supported), until the discrete moments hold
  // exactly:  Σ_k (−y_k)^β ∂^αη(y_k) h^d = α! δ_{αβ}  for every |β| ≤ |α| + 1.
  // That is what makes g∗∂^αη exact for polynomials of degree |α| + 1 on any grid, and it
  // keeps a coarse kernel (few nodes per radius) from amplifying constants by ε^{−|α|}. The
  // correction vanishes as nodes per radius grow (the analytic samples converge to it).
  // Throws std::invalid_argument when the kernel has too few nodes for the order.
  std::vector<double> sample(const MultiIndex& alpha) const;
  // The uncorrected analytic samples.
  std::vector<double> sampleAnalytic(const MultiIndex& alpha) const;
  std::vector<double> sample(const LinearOperator& op) const;

 private:
  double raw(double x, double y, double t, const MultiIndex& alpha) const;  // unnormalised
  KernelSpec spec_;
  std::array<int, 3> half_{0, 0, 0};
  std::array<double, 3> eps_{1, 1, 1};
  std::array<double, 3> h_{1, 1, 1};
  double norm_ = 1.0;  // 1 / (Σ η h^d)
};

// Derivatives of the radial profiles, exposed for tests: f^{(n)}(s) for s in [0, 1).
double bumpProfileDerivative(int n, double s);
double polynomialProfileDerivative(int n, int power, double s);

}  // namespace mollichrom::mollifier
