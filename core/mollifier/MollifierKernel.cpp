#include "core/mollifier/MollifierKernel.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace mollichrom::mollifier {

namespace {

constexpr int kMaxOrder = 8;

double factorial(int n) {
  double f = 1.0;
  for (int i = 2; i <= n; ++i) f *= i;
  return f;
}

// Coefficients of P_n(u) (index = power of u) for the bump profile, built once.
const std::vector<std::vector<double>>& bumpPolynomials() {
  static std::vector<std::vector<double>> polys;
  static std::once_flag once;
  std::call_once(once, [] {
    polys.push_back({1.0});
    for (int n = 0; n < kMaxOrder; ++n) {
      const auto& p = polys.back();
      std::vector<double> next(p.size() + 2, 0.0);
      // u² P'(u)
      for (size_t k = 1; k < p.size(); ++k) next[k + 1] += static_cast<double>(k) * p[k];
      // −u² P(u)
      for (size_t k = 0; k < p.size(); ++k) next[k + 2] -= p[k];
      polys.push_back(std::move(next));
    }
  });
  return polys;
}

// Contribution of one axis to ∂^α f(s): Σ over j of the Hermite-like coefficients.
// Returns the coefficients c_j (j = 0..n/2) multiplying f^{(n−j)}: n!/(j!(n−2j)!) (2ax)^{n−2j} a^j.
std::vector<double> axisCoefficients(int n, double x, double a) {
  std::vector<double> c(static_cast<size_t>(n / 2 + 1));
  for (int j = 0; 2 * j <= n; ++j)
    c[static_cast<size_t>(j)] = factorial(n) / (factorial(j) * factorial(n - 2 * j)) *
                                std::pow(2.0 * a * x, n - 2 * j) * std::pow(a, j);
  return c;
}

}  // namespace

double bumpProfileDerivative(int n, double s) {
  if (n < 0 || n > kMaxOrder) throw std::invalid_argument("bump derivative order out of range");
  if (s >= 1.0 || s < 0.0) return 0.0;
  const double u = 1.0 / (1.0 - s);
  const auto& p = bumpPolynomials()[static_cast<size_t>(n)];
  double poly = 0.0;
  for (size_t k = p.size(); k-- > 0;) poly = poly * u + p[k];
  return std::exp(-u) * poly;
}

double polynomialProfileDerivative(int n, int power, double s) {
  if (s >= 1.0 || s < 0.0 || n > power) return 0.0;
  const double c = factorial(power) / factorial(power - n) * ((n % 2) ? -1.0 : 1.0);
  return c * std::pow(1.0 - s, power - n);
}

std::string familyName(KernelFamily f) {
  switch (f) {
    case KernelFamily::Bump:
      return "bump";
    case KernelFamily::Polynomial:
      return "polynomial";
    case KernelFamily::BumpProduct:
      return "bump-product";
  }
  return "?";
}

KernelFamily parseFamily(const std::string& name) {
  if (name == "bump") return KernelFamily::Bump;
  if (name == "polynomial") return KernelFamily::Polynomial;
  if (name == "bump-product") return KernelFamily::BumpProduct;
  throw std::invalid_argument("unknown kernel family '" + name +
                              "' (use bump, polynomial or bump-product)");
}

MollifierKernel::MollifierKernel(const KernelSpec& spec) : spec_(spec) {
  if (spec.dims < 1 || spec.dims > 3)
    throw std::invalid_argument("kernel dims must be 1, 2 or 3, got " + std::to_string(spec.dims));
  h_ = {spec.dx, spec.dy, spec.dt};
  eps_ = {spec.radius, spec.radius, spec.radiusT};
  if (spec.family == KernelFamily::Polynomial && spec.polynomialPower < 2)
    throw std::invalid_argument("polynomial kernel power must be >= 2");
  for (int a = 0; a < spec.dims; ++a) {
    const char* axis = a == 0 ? "x" : a == 1 ? "y" : "t";
    if (!(h_[a] > 0.0) || !std::isfinite(h_[a]))
      throw std::invalid_argument(std::string("grid spacing along ") + axis + " must be > 0");
    if (!(eps_[a] > 0.0) || !std::isfinite(eps_[a]))
      throw std::invalid_argument(std::string("kernel radius along ") + axis + " must be > 0");
    // Nodes strictly inside the support; the boundary node would carry an exact zero.
    half_[a] = static_cast<int>(std::ceil(eps_[a] / h_[a] - 1e-9)) - 1;
    if (half_[a] < 1)
      throw std::invalid_argument(std::string("kernel radius along ") + axis + " (" +
                                  std::to_string(eps_[a]) + ") must exceed the grid spacing (" +
                                  std::to_string(h_[a]) + ")");
  }
  norm_ = 1.0;
  double sum = 0.0;
  for (double v : sampleAnalytic(MultiIndex{})) sum += v;
  norm_ = 1.0 / (sum * cellVolume());
}

std::array<int, 3> MollifierKernel::shape() const {
  return {2 * half_[0] + 1, 2 * half_[1] + 1, 2 * half_[2] + 1};
}

double MollifierKernel::cellVolume() const {
  double v = 1.0;
  for (int a = 0; a < spec_.dims; ++a) v *= h_[a];
  return v;
}

double MollifierKernel::raw(double x, double y, double t, const MultiIndex& alpha) const {
  const std::array<double, 3> p{x, y, t};
  for (int a = spec_.dims; a < 3; ++a)
    if (alpha[a] != 0) return 0.0;  // derivative along an axis the kernel does not have
  if (alpha.order() > kMaxOrder) throw std::invalid_argument("derivative order above 8");

  if (spec_.family == KernelFamily::BumpProduct) {
    double v = 1.0;
    for (int a = 0; a < spec_.dims; ++a) {
      const double z = p[a] / eps_[a];
      if (std::abs(z) >= 1.0) return 0.0;
      const int n = alpha[a];
      const auto c = axisCoefficients(n, z, 1.0);
      double d = 0.0;
      for (size_t j = 0; j < c.size(); ++j)
        d += c[j] * bumpProfileDerivative(n - static_cast<int>(j), z * z);
      v *= d / std::pow(eps_[a], n);
    }
    return v;
  }

  double s = 0.0;
  for (int a = 0; a < spec_.dims; ++a) s += (p[a] / eps_[a]) * (p[a] / eps_[a]);
  if (s >= 1.0) return 0.0;
  auto profile = [&](int n) {
    return spec_.family == KernelFamily::Bump
               ? bumpProfileDerivative(n, s)
               : polynomialProfileDerivative(n, spec_.polynomialPower, s);
  };
  // Convolve the per-axis coefficient lists: term (j_x, j_y, j_t) multiplies f^{(|α|−Σj)}.
  std::vector<double> acc{1.0};  // acc[J] = coefficient of f^{(|α|−J)}
  for (int a = 0; a < spec_.dims; ++a) {
    const double inv = 1.0 / (eps_[a] * eps_[a]);
    const auto c = axisCoefficients(alpha[a], p[a], inv);
    std::vector<double> next(acc.size() + c.size() - 1, 0.0);
    for (size_t i = 0; i < acc.size(); ++i)
      for (size_t j = 0; j < c.size(); ++j) next[i + j] += acc[i] * c[j];
    acc.swap(next);
  }
  double v = 0.0;
  for (size_t J = 0; J < acc.size(); ++J)
    v += acc[J] * profile(alpha.order() - static_cast<int>(J));
  return v;
}

double MollifierKernel::value(double x, double y, double t, const MultiIndex& alpha) const {
  return norm_ * raw(x, y, t, alpha);
}

namespace {

// Solves the small dense system M z = r (M symmetric positive semi-definite) by Gaussian
// elimination with partial pivoting. Returns false when M is singular.
bool solveDense(std::vector<double> M, std::vector<double> r, size_t n, std::vector<double>* z) {
  for (size_t c = 0; c < n; ++c) {
    size_t piv = c;
    for (size_t i = c + 1; i < n; ++i)
      if (std::abs(M[i * n + c]) > std::abs(M[piv * n + c])) piv = i;
    double scale = 0.0;
    for (size_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(M[i * n + i]));
    if (std::abs(M[piv * n + c]) <= 1e-12 * std::max(scale, 1e-300)) return false;
    if (piv != c) {
      for (size_t j = 0; j < n; ++j) std::swap(M[c * n + j], M[piv * n + j]);
      std::swap(r[c], r[piv]);
    }
    for (size_t i = c + 1; i < n; ++i) {
      const double f = M[i * n + c] / M[c * n + c];
      if (f == 0.0) continue;
      for (size_t j = c; j < n; ++j) M[i * n + j] -= f * M[c * n + j];
      r[i] -= f * r[c];
    }
  }
  z->assign(n, 0.0);
  for (size_t i = n; i-- > 0;) {
    double acc = r[i];
    for (size_t j = i + 1; j < n; ++j) acc -= M[i * n + j] * (*z)[j];
    (*z)[i] = acc / M[i * n + i];
  }
  return true;
}

}  // namespace

std::vector<double> MollifierKernel::sample(const MultiIndex& alpha) const {
  std::vector<double> w = sampleAnalytic(alpha);
  if (!spec_.momentCorrection) return w;

  // Work in node units: w̃_k = w_k h^d h^α is dimensionless and the conditions read
  // Σ_k (−k)^β w̃_k = α! δ_{αβ}, well conditioned whatever the physical spacing.
  const int dims = spec_.dims;
  double scale = cellVolume();
  for (int a = 0; a < dims; ++a) scale *= std::pow(h_[a], alpha[a]);
  for (double& v : w) v *= scale;

  std::vector<std::array<int, 3>> nodes;
  for (int kt = -half_[2]; kt <= half_[2]; ++kt)
    for (int ky = -half_[1]; ky <= half_[1]; ++ky)
      for (int kx = -half_[0]; kx <= half_[0]; ++kx) nodes.push_back({kx, ky, kt});
  // Moments β with |β| ≤ |α| + 1 over the kernel's axes.
  const int maxDeg = alpha.order() + 1;
  std::vector<std::array<int, 3>> betas;
  // The moment conditions along an axis of a derivative need more nodes than its order + 1.
  for (int a = 0; a < dims; ++a)
    if (alpha[a] > 0 && 2 * half_[a] < alpha[a] + 1 + 1) {
      throw std::invalid_argument(
          "mollifier kernel too small for derivative '" + alpha.name() +
          "': " + std::to_string(half_[a]) +
          " node(s) per side cannot satisfy its moment conditions; use a radius of at least " +
          std::to_string((alpha[a] + 2 + 1) / 2 + 1) + " grid steps");
    }
  // Along an axis with n nodes only monomials of degree < n are independent (higher ones are
  // combinations of them on those nodes): cap each axis's degree there, so a short time axis
  // (e.g. 5 frames) can carry a 4th-order spatial kernel.
  for (int bt = 0; bt <= (dims == 3 ? std::min(maxDeg, 2 * half_[2]) : 0); ++bt)
    for (int by = 0; by <= (dims >= 2 ? std::min(maxDeg - bt, 2 * half_[1]) : 0); ++by)
      for (int bx = 0; bx <= std::min(maxDeg - bt - by, 2 * half_[0]); ++bx)
        betas.push_back({bx, by, bt});
  const size_t nb = betas.size(), nk = nodes.size();
  // A[b][k] = Π (−k_i)^{β_i}; target b = α! δ_{αβ}.
  std::vector<double> A(nb * nk), target(nb, 0.0), resid(nb);
  for (size_t b = 0; b < nb; ++b) {
    for (size_t k = 0; k < nk; ++k) {
      double v = 1.0;
      for (int a = 0; a < 3; ++a) v *= std::pow(-static_cast<double>(nodes[k][a]), betas[b][a]);
      A[b * nk + k] = v;
    }
    if (betas[b][0] == alpha.x && betas[b][1] == alpha.y && betas[b][2] == alpha.t)
      target[b] = factorial(alpha.x) * factorial(alpha.y) * factorial(alpha.t);
    double aw = 0.0;
    for (size_t k = 0; k < nk; ++k) aw += A[b * nk + k] * w[k];
    resid[b] = target[b] - aw;
  }
  // Weighted minimum-norm correction δ = D Aᵀ λ with D = diag(η): (A D Aᵀ) λ = resid.
  const auto eta = sampleAnalytic(MultiIndex{});
  double etaMax = 0.0;
  for (double e : eta) etaMax = std::max(etaMax, std::abs(e));
  std::vector<double> D(nk);
  for (size_t k = 0; k < nk; ++k) D[k] = std::abs(eta[k]) / etaMax;
  std::vector<double> M(nb * nb, 0.0);
  for (size_t i = 0; i < nb; ++i)
    for (size_t j = i; j < nb; ++j) {
      double acc = 0.0;
      for (size_t k = 0; k < nk; ++k) acc += A[i * nk + k] * D[k] * A[j * nk + k];
      M[i * nb + j] = M[j * nb + i] = acc;
    }
  std::vector<double> lambda;
  if (!solveDense(M, resid, nb, &lambda)) {
    int need = alpha.order() / 2 + 1;
    throw std::invalid_argument("mollifier kernel too small for derivative '" + alpha.name() +
                                "': " + std::to_string(half_[0]) +
                                " node(s) per side cannot satisfy its moment conditions; " +
                                "use a radius of at least " + std::to_string(need + 1) +
                                " grid steps");
  }
  for (size_t k = 0; k < nk; ++k) {
    double acc = 0.0;
    for (size_t b = 0; b < nb; ++b) acc += A[b * nk + k] * lambda[b];
    w[k] += D[k] * acc;
  }
  for (double& v : w) v /= scale;
  return w;
}

std::vector<double> MollifierKernel::sampleAnalytic(const MultiIndex& alpha) const {
  const auto s = shape();
  std::vector<double> out(static_cast<size_t>(s[0]) * s[1] * s[2]);
  size_t i = 0;
  for (int kt = -half_[2]; kt <= half_[2]; ++kt)
    for (int ky = -half_[1]; ky <= half_[1]; ++ky)
      for (int kx = -half_[0]; kx <= half_[0]; ++kx)
        out[i++] = value(kx * h_[0], ky * h_[1], kt * h_[2], alpha);
  return out;
}

std::vector<double> MollifierKernel::sample(const LinearOperator& op) const {
  const auto s = shape();
  std::vector<double> out(static_cast<size_t>(s[0]) * s[1] * s[2], 0.0);
  for (const auto& [alpha, c] : op.terms) {
    const auto part = sample(alpha);
    for (size_t i = 0; i < out.size(); ++i) out[i] += c * part[i];
  }
  return out;
}

}  // namespace mollichrom::mollifier
