#include "core/train/RateSolver.h"

#include "core/models/ChromatinModel.h"
#include "core/mollifier/MollifierLayer.h"
#include "core/train/FieldBundle.h"
#include "core/train/HashedNoise.h"
#include "core/train/ModelTerms.h"
#include "core/train/TensorConvert.h"
#include "core/util/Feedback.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mollichrom::train {

namespace {

using torch::indexing::None;
using torch::indexing::Slice;

constexpr std::uint64_t kNoiseSeed = 7310241;

class Problem {
 public:
  Problem(const FieldBundle& data, const models::ChromatinParameters& values, double M, double G,
          const MollifierSettings& s)
      : model_(values), M_(M), G_(G) {
    terms_ = std::make_unique<ModelTerms>(model_, s, data.dx, data.dy, data.dt, data.frames >= 3);
  }

  int halo() const { return terms_->haloXY(); }

  // b = a − M L + 2Γ h on the valid grid [T', H − 2R, W − 2R].
  torch::Tensor rhs(const torch::Tensor& fields) const {
    const auto t = (*terms_)(fields);
    return t.a - M_ * t.L + 2 * G_ * t.h;
  }
  // η_t∗φ_e [T', H, W]: what λ multiplies.
  torch::Tensor smoothedE(const torch::Tensor& fields) const {
    return terms_->timeSmooth(fields[0] - fields[1]);
  }
  // K λ for images v [N, H, W] (components of η_t∗φ_e): 2Γ η₂∗η_s∗(λ v).
  torch::Tensor apply(const torch::Tensor& lambda, const torch::Tensor& v) const {
    return 2 * G_ * terms_->spatialBlur(lambda.unsqueeze(0) * v);
  }

 private:
  models::ChromatinModel model_;
  double M_, G_;
  std::unique_ptr<ModelTerms> terms_;
};

// λ is the same in every frame, so the frames' terms need only the time-components of
// η_t∗φ_e that carry its energy: ẽ_t = Σ_k u_k(t) v_k (an SVD over frames). With orthonormal
// u_k, Σ_t ‖K_t λ − b_t‖² = Σ_k ‖K(λ v_k) − B_k‖² + ‖b_⊥‖², B_k = Σ_t u_k(t) b_t: a 2-D problem
// per component instead of one per frame. Components are kept until they hold all but 1e-10
// of the energy (φ_e changes slowly: 2–4 components for 20–100 frames).
struct Projected {
  torch::Tensor v;         // [K, H, W]
  torch::Tensor B;         // [K, H'', W'']
  double restSquared = 0;  // ‖b_⊥‖²
};

Projected project(const torch::Tensor& e, const torch::Tensor& b) {
  const auto T = e.size(0);
  const auto E = e.reshape({T, -1});
  const auto gram = torch::matmul(E, E.t());
  const auto eig = torch::linalg::eigh(gram, "L");  // ascending
  const auto w = std::get<0>(eig), U = std::get<1>(eig);
  const double total = std::max(1e-300, w.sum().item<double>());
  std::vector<int64_t> keep;
  double kept = 0;
  for (int64_t k = T - 1; k >= 0 && keep.size() < 16; --k) {
    keep.push_back(k);
    kept += std::max(0.0, w[k].item<double>());
    if (kept >= (1 - 1e-10) * total) break;
  }
  const auto idx = torch::tensor(keep, torch::kLong);
  const auto u = U.index_select(1, idx);  // [T, K]
  Projected p;
  p.v = torch::matmul(u.t(), E).reshape({-1, e.size(1), e.size(2)});
  p.B = torch::matmul(u.t(), b.reshape({T, -1})).reshape({-1, b.size(1), b.size(2)});
  p.restSquared = std::max(0.0, b.pow(2).sum().item<double>() - p.B.pow(2).sum().item<double>());
  return p;
}

// Forward differences of λ along x and y.
std::pair<torch::Tensor, torch::Tensor> differences(const torch::Tensor& l) {
  return {l.index({Slice(), Slice(1, None)}) - l.index({Slice(), Slice(None, -1)}),
          l.index({Slice(1, None), Slice()}) - l.index({Slice(None, -1), Slice()})};
}

}  // namespace

RateSolveResult solveRates(const FieldBundle& data, const models::ChromatinParameters& values,
                           double M, double G, const MollifierSettings& settings,
                           const cv::Mat& region, const cv::Mat& start, const RateSolveOptions& opt,
                           util::Feedback* feedback) {
  const Problem problem(data, values, M, G, settings);
  const int H = data.height, W = data.width;
  const cv::Rect all(0, 0, W, H);
  const auto fields = data.window(all, torch::kFloat64);
  torch::Tensor b, eT;
  {
    torch::NoGradGuard ng;
    b = problem.rhs(fields);
    eT = problem.smoothedE(fields);
  }
  Projected proj = project(eT, b);
  // Initial λ: the start map, its median where it has none.
  cv::Mat init = start.empty() ? cv::Mat(H, W, CV_32F, cv::Scalar(1.0f)) : start.clone();
  std::vector<float> finite;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      if (std::isfinite(init.at<float>(y, x)) && region.at<std::uint8_t>(y, x))
        finite.push_back(init.at<float>(y, x));
  float med = 1.f;
  if (!finite.empty()) {
    std::nth_element(finite.begin(), finite.begin() + long(finite.size() / 2), finite.end());
    med = finite[finite.size() / 2];
  }
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      float& v = init.at<float>(y, x);
      if (!std::isfinite(v) || !region.at<std::uint8_t>(y, x)) v = med;
    }
  torch::Tensor x = matToTensor(init).to(torch::kFloat64);

  // s²: how much the data's noise moves the residual at the starting λ; never below 10⁻⁴ of
  // b's mean square — the mollified derivatives are not trusted beyond 1 % (discretisation and
  // model error), and without a floor noise-free data would ask for no regularisation at all.
  double s2 = 0;
  {
    torch::NoGradGuard ng;
    std::vector<torch::Tensor> r;
    for (int k = 0; k < 2; ++k) {
      auto noisy = fields.clone();
      addHashedNoise(noisy, all, H, W, kNoiseSeed + std::uint64_t(k), data.fieldNoise);
      r.push_back(problem.rhs(noisy) - problem.apply(x, problem.smoothedE(noisy)));
    }
    s2 = ((r[0] - r[1]).pow(2).mean().item<double>()) / 2;
    s2 = std::max({s2, 1e-4 * b.pow(2).mean().item<double>(), 1e-300});
  }
  const double N = double(b.numel());

  // Edge weights of the smoothness term: 1 (a quadratic, H¹ prior) or, for the total-variation
  // prior that keeps bands and spots sharp, 1/√(Δλ² + ε²) of the previous iterate (IRLS).
  torch::Tensor wx = torch::ones({H, W - 1}, torch::kFloat64),
                wy = torch::ones({H - 1, W}, torch::kFloat64);
  auto reweight = [&](const torch::Tensor& lam) {
    const auto [dx, dy] = differences(lam);
    const double eps = opt.tvEpsilon * std::max(1e-3, double(med));
    wx = eps / (dx.pow(2) + eps * eps).sqrt();
    wy = eps / (dy.pow(2) + eps * eps).sqrt();
  };
  // ∇J at λ: autograd through the mollifier layers gives Kᵀ.
  // The data the solve fits: the measured ones, or a noisy copy (uncertainty).
  Projected fit = proj;
  auto gradient = [&](const torch::Tensor& lam, double alpha) {
    auto l = lam.detach().clone().requires_grad_(true);
    const auto resid = problem.apply(l, fit.v) - fit.B;
    const auto [dxl, dyl] = differences(l);
    const auto J = resid.pow(2).sum() / (N * s2) +
                   alpha * ((wx * dxl.pow(2)).sum() + (wy * dyl.pow(2)).sum()) / double(H * W);
    return torch::autograd::grad({J}, {l})[0].detach();
  };
  auto discrepancy = [&](const torch::Tensor& lam) {
    torch::NoGradGuard ng;
    return ((problem.apply(lam, proj.v) - proj.B).pow(2).sum().item<double>() + proj.restSquared) /
           N / s2;
  };
  // Jacobi preconditioner: diag(KᵀK) ≈ c₀ · mean_t φ_e², c₀ from K applied to one node.
  double c0 = 0;
  {
    torch::NoGradGuard ng;
    const int P = std::min({H, W, 2 * problem.halo() + 3});
    auto delta = torch::zeros({P, P}, torch::kFloat64);
    delta[P / 2][P / 2] = 1;
    c0 = problem.apply(delta, torch::ones({1, P, P}, torch::kFloat64)).pow(2).sum().item<double>();
  }
  const auto eEnergy = proj.v.pow(2).sum(0);
  auto diagonal = [&](double alpha) {
    auto d = 2 * c0 * eEnergy / (N * s2);
    auto sm = torch::zeros({H, W}, torch::kFloat64);
    sm.index({Slice(), Slice(1, None)}) += wx;
    sm.index({Slice(), Slice(None, -1)}) += wx;
    sm.index({Slice(1, None), Slice()}) += wy;
    sm.index({Slice(None, -1), Slice()}) += wy;
    return d + 2 * alpha * sm / double(H * W) + 1e-30;
  };

  RateSolveResult out;
  out.noiseVariance = s2;
  // Preconditioned CG on the quadratic J (fixed weights), A p = g(p) − g(0): solves A·δ = r
  // from δ = 0 and returns x0 + δ; `converged` when ‖r‖ fell to tol of its start.
  auto pcg = [&](double alpha, torch::Tensor x0, torch::Tensor r, double tol, bool* converged) {
    const auto g0 = gradient(torch::zeros_like(x0), alpha);
    const auto Minv = 1.0 / diagonal(alpha);
    auto z = r * Minv;
    auto p = z.clone();
    double rz = (r * z).sum().item<double>();
    const double r0 = r.norm().item<double>();
    *converged = r0 == 0;
    for (int it = 0; it < opt.maxIterations && !*converged; ++it) {
      if (feedback) feedback->throwIfCanceled();
      const auto Ap = gradient(p, alpha) - g0;
      const double pAp = (p * Ap).sum().item<double>();
      if (!(pAp > 0)) break;
      const double a = rz / pAp;
      x0 = x0 + a * p;
      r = r - a * Ap;
      ++out.iterations;
      if (r.norm().item<double>() <= tol * r0) *converged = true;
      z = r * Minv;
      const double rzNew = (r * z).sum().item<double>();
      p = z + (rzNew / rz) * p;
      rz = rzNew;
    }
    return x0;
  };
  // Minimises J from lam: the residual of ∇J = 0 there is −∇J(lam).
  auto solve = [&](double alpha, torch::Tensor lam, double tol) {
    bool converged = false;
    lam = pcg(alpha, lam, -gradient(lam, alpha), tol, &converged);
    out.converged = converged;
    return lam;
  };
  // One α: the quadratic solve, then (TV) a few reweighted solves from there.
  auto solveAt = [&](double alpha, torch::Tensor lam, double tol) {
    if (opt.prior == RatePrior::Smooth) return solve(alpha, lam, tol);
    for (int k = 0; k < opt.reweightings; ++k) {
      lam = solve(alpha, lam, tol);
      reweight(lam);
    }
    return lam;
  };

  double alpha = opt.alpha;
  if (alpha > 0) {
    x = solveAt(alpha, x, opt.tolerance);
  } else {
    // Discrepancy principle: D(α) grows with α. Bracket τ by decades, then secant steps on
    // log D against log α (nearly straight there), each solve warm-started.
    std::vector<std::pair<double, double>> pts;  // log10 α, log D
    auto at = [&](double l10) {
      torch::Tensor keep = x.clone();
      if (opt.prior == RatePrior::TotalVariation) {
        wx.fill_(1);
        wy.fill_(1);
      }
      x = solveAt(std::pow(10.0, l10), x, opt.searchTolerance);
      ++out.alphaTrials;
      if (feedback) feedback->setProgress(std::min(1.0, out.alphaTrials / 8.0), "solving for λ");
      const double d = discrepancy(x);
      pts.emplace_back(l10, std::log(std::max(1e-12, d)));
      return d;
    };
    const double target = std::log(opt.tau);
    double cur = 0, d = at(cur);
    double lo = cur, hi = cur;
    if (d > opt.tau) {
      while (cur > -8 && d > opt.tau) d = at(cur -= 1.5);
      lo = cur;
      hi = cur + 1.5;
    } else {
      while (cur < 5 && d <= opt.tau) d = at(cur += 1.5);
      lo = cur - 1.5;
      hi = cur;
    }
    // Regula falsi on the bracket [lo, hi] (lo: D ≤ τ).
    auto valueAt = [&](double l10) {
      for (const auto& p : pts)
        if (p.first == l10) return p.second;
      return target;
    };
    double flo = valueAt(lo), fhi = valueAt(hi);
    for (int i = 0; i < 4 && hi - lo > 0.05; ++i) {
      double mid = fhi != flo ? lo + (target - flo) * (hi - lo) / (fhi - flo) : 0.5 * (lo + hi);
      mid = std::clamp(mid, lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo));
      const double dm = at(mid);
      if (dm > opt.tau) {
        hi = mid;
        fhi = std::log(dm);
      } else {
        lo = mid;
        flo = std::log(dm);
      }
    }
    alpha = std::pow(10.0, lo);
    if (opt.prior == RatePrior::TotalVariation) {
      wx.fill_(1);
      wy.fill_(1);
    }
    x = solveAt(alpha, x, opt.tolerance);
  }
  out.alpha = alpha;
  out.discrepancy = discrepancy(x);

  if (opt.uncertaintyReps > 0) {
    // The 90 % band from the posterior of the same objective: with the residual's noise as
    // the likelihood (variance s² per node) and the prior α·R, the negative log-posterior is
    // (N/2)·J, so Cov(λ) = (2/N)·H⁻¹ with H = ∇²J (fixed prior weights). Unlike the spread
    // over noise repeats, this includes what the prior had to fill in — the smoothing of sharp
    // features, which dominates the error there. diag(H⁻¹) by Hutchinson's estimator
    // (E[z ⊙ H⁻¹z], Rademacher z), lightly smoothed. The residual's noise is correlated over
    // the kernel's footprint, which a per-node likelihood overcounts: the variance is scaled by
    // that correlation's effective area, measured on the synthetic noise's residual.
    auto applyInverse = [&](const torch::Tensor& rhs) {
      bool converged = false;
      return pcg(alpha, torch::zeros_like(rhs), rhs.clone(), opt.searchTolerance, &converged);
    };
    auto diagInv = torch::zeros_like(x);
    torch::manual_seed(static_cast<std::uint64_t>(kNoiseSeed));
    for (int k = 0; k < opt.uncertaintyReps; ++k) {
      const auto z = torch::randint(0, 2, x.sizes(), torch::kFloat64) * 2 - 1;
      diagInv += z * applyInverse(z) / opt.uncertaintyReps;
    }
    namespace F = torch::nn::functional;
    diagInv =
        F::avg_pool2d(diagInv.clamp_min(0).unsqueeze(0).unsqueeze(0),
                      F::AvgPool2dFuncOptions(5).stride(1).padding(2).count_include_pad(false))
            .squeeze(0)
            .squeeze(0);
    // Effective area of the residual noise's correlation: block means of the synthetic
    // residual difference over blocks of the kernel's footprint (m × m nodes) vary m² / A times
    // less than single nodes would if independent — A is that area (1 for white noise).
    double corrArea = 1;
    {
      torch::NoGradGuard ng;
      auto n0 = fields.clone(), n1 = fields.clone();
      addHashedNoise(n0, all, H, W, kNoiseSeed + 200, data.fieldNoise);
      addHashedNoise(n1, all, H, W, kNoiseSeed + 201, data.fieldNoise);
      const auto d = (problem.rhs(n0) - problem.rhs(n1));  // [T', h, w]
      const int m = std::max(
          1, std::min<int>(problem.halo(), static_cast<int>(std::min(d.size(1), d.size(2)) / 2)));
      const auto means = F::avg_pool2d(d.unsqueeze(1), F::AvgPool2dFuncOptions(m).stride(m));
      const double v1 = d.var().template item<double>(), vm = means.var().template item<double>();
      if (v1 > 0 && means.numel() > 4) corrArea = std::clamp(vm * m * m / v1, 1.0, double(m * m));
    }
    out.noiseCorrelationArea = corrArea;
    const auto sd = (2.0 / N * corrArea * diagInv).sqrt();
    const auto half = 1.6449 * sd;
    cv::Mat lo = tensorToMat((x - half).clamp_min(0.0).to(torch::kFloat32));
    cv::Mat hi = tensorToMat((x + half).to(torch::kFloat32));
    lo.setTo(std::nanf(""), region == 0);
    hi.setTo(std::nanf(""), region == 0);
    out.lambdaLow = lo;
    out.lambdaHigh = hi;
  }
  x = x.clamp_min(0.0);
  cv::Mat lam = tensorToMat(x.to(torch::kFloat32));
  lam.setTo(std::nanf(""), region == 0);
  out.lambda = lam;
  return out;
}

}  // namespace mollichrom::train
