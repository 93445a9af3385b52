#include "core/train/DirectEstimator.h"

#include "core/models/ChromatinModel.h"
#include "core/train/FieldDerivativeEngine.h"
#include "core/train/TensorConvert.h"

#include <cmath>
#include <stdexcept>

namespace mollichrom::train {

int timeHalfWidthFor(int frames, const MollifierSettings& s) {
  if (frames < 3) return 0;
  return std::max(1, std::min(s.halfWidthT, (frames - 1) / 2));
}

DirectEstimate estimateDirect(const prep::FieldData& data, const models::ParameterChoice& params,
                              const MollifierSettings& settings) {
  torch::NoGradGuard noGrad;
  DirectEstimate out;
  const int T = data.frames();
  out.steady = T < 3;
  if (out.steady && (!params.fixM || !params.fixGamma) && T > 0) {
    // Steady state: only λ is identifiable; M and Γ keep their (default or set) values.
  }
  MollifierSettings s = settings;
  s.halfWidthT = timeHalfWidthFor(T, settings);
  const models::ChromatinModel model(params.values);
  const FieldDerivativeEngine engine(model, s, data.dx, data.dy, data.dt, !out.steady);
  out.haloXY = engine.haloXY();
  out.haloT = engine.haloT();

  const torch::Tensor fields = fieldsTensor(data);  // [2, T, H, W] float64
  const auto d = engine(fields);
  const auto t = model.terms(d, out.steady);
  const int h = out.haloXY;
  const int H = data.height(), W = data.width();
  out.region = prep::analysedRegion(data.mask, h);
  if (cv::countNonZero(out.region) < 16)
    throw std::invalid_argument("the nucleus is too small for the derivative kernel (" + std::to_string(2 * h + 1) +
                                " px wide): fewer than 16 pixels remain");
  const torch::Tensor region =
      matToTensor(out.region).slice(0, h, H - h).slice(1, h, W - h).gt(0);  // [H', W'] bool

  // Per-pixel sums over frames.
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  const auto ee = dot(t.e, t.e).clamp_min(1e-12);
  auto proj = [&](const torch::Tensor& x, const torch::Tensor& y) {  // <P x, P y> per pixel
    return dot(x, y) - dot(t.e, x) * dot(t.e, y) / ee;
  };
  double M = params.values.M, G = params.values.gammaAc;
  const bool freeM = !params.fixM && !out.steady, freeG = !params.fixGamma && !out.steady;
  const auto sumR = [&](const torch::Tensor& x) { return x.masked_select(region).sum().item<double>(); };
  if (freeM || freeG) {
    // r = P a − M P L + 2Γ P h; unknowns θ among (M, Γ) with columns x_M = P L, x_G = −2 P h.
    const double LL = sumR(proj(t.L, t.L)), hh = sumR(proj(t.h, t.h)), Lh = sumR(proj(t.L, t.h));
    const double aL = sumR(proj(t.a, t.L)), ah = sumR(proj(t.a, t.h));
    if (freeM && freeG) {
      // [LL  −2Lh; −2Lh  4hh] θ = [aL; −2ah]
      const double a11 = LL, a12 = -2 * Lh, a22 = 4 * hh, b1 = aL, b2 = -2 * ah;
      const double det = a11 * a22 - a12 * a12;
      if (std::abs(det) > 1e-30) {
        M = (b1 * a22 - a12 * b2) / det;
        G = (a11 * b2 - a12 * b1) / det;
      }
    } else if (freeM) {
      M = (aL + 2 * G * Lh) / LL;  // from P a − M P L + 2Γ P h ⟂ P L
    } else {
      G = -(ah - M * Lh) / (2 * hh);
    }
    // Physical constraints: a negative mobility or rate means the data cannot tell; fall back.
    if (!(M > 0) || !std::isfinite(M)) M = params.values.M;
    if (!(G > 0) || !std::isfinite(G)) G = params.values.gammaAc;
  }
  out.M = M;
  out.gammaAc = G;
  // κ = Γλ from its per-pixel normal equation: Σ e (a − M L + 2Γ h − 2κ e) = 0.
  const auto kappa = dot(t.e, t.a - M * t.L + 2 * G * t.h) / (2 * ee);
  auto lambda = (kappa / G).clamp_min(0.0);
  const auto resid = t.a - M * t.L - 2 * G * (lambda.unsqueeze(0) * t.e - t.h);
  out.residualRms = std::sqrt(sumR((resid * resid).mean(0)) / std::max<int64_t>(1, region.sum().item<int64_t>()));
  lambda = torch::where(region, lambda, torch::full_like(lambda, std::nan("")));
  cv::Mat full(H, W, CV_32F, cv::Scalar(std::nanf("")));
  tensorToMat(lambda).copyTo(full(cv::Rect(h, h, W - 2 * h, H - 2 * h)));
  out.lambda = full;
  return out;
}

}  // namespace mollichrom::train
