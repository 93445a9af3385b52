#include "core/train/DirectEstimator.h"

#include "core/models/ChromatinModel.h"
#include "core/train/FieldDerivativeEngine.h"
#include "core/train/TensorConvert.h"

#include <cmath>

#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace mollichrom::train {

double estimateNoiseLevel(const prep::FieldData& data) {
  // The Laplacian stencil removes smooth signal; for white noise of σ its output has σ·√20.
  std::vector<float> v;
  for (const auto* planes : {&data.density, &data.hetero})
    for (const cv::Mat& p : *planes) {
      cv::Mat lap;
      cv::Laplacian(p, lap, CV_32F, 1);
      for (int y = 2; y < lap.rows - 2; ++y)
        for (int x = 2; x < lap.cols - 2; ++x)
          if (data.mask.at<std::uint8_t>(y, x)) v.push_back(std::abs(lap.at<float>(y, x)));
    }
  if (v.empty()) return 1e-3;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return std::max(1e-4, v[v.size() / 2] / 0.6745 / std::sqrt(20.0));
}

int timeHalfWidthFor(int frames, const MollifierSettings& s) {
  if (frames < 3) return 0;
  return std::max(1, std::min(s.halfWidthT, (frames - 1) / 2));
}

namespace {

struct ScalarFit { double M, G; bool ok; };

// Least-squares (M, Γ) from the mollified fields, Γλ eliminated per pixel (see header).
ScalarFit fitScalars(const models::ChromatinModel::Terms& t, const torch::Tensor& region, double M, double G,
                     bool freeM, bool freeG) {
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  const auto ee = dot(t.e, t.e).clamp_min(1e-12);
  auto proj = [&](const torch::Tensor& x, const torch::Tensor& y) { return dot(x, y) - dot(t.e, x) * dot(t.e, y) / ee; };
  const auto sumR = [&](const torch::Tensor& x) { return x.masked_select(region).sum().item<double>(); };
  const double LL = sumR(proj(t.L, t.L)), hh = sumR(proj(t.h, t.h)), Lh = sumR(proj(t.L, t.h));
  const double aL = sumR(proj(t.a, t.L)), ah = sumR(proj(t.a, t.h));
  // r = P a − M P L + 2Γ P h, minimised over the free ones.
  if (freeM && freeG) {
    const double a11 = LL, a12 = -2 * Lh, a22 = 4 * hh, b1 = aL, b2 = -2 * ah;
    const double det = a11 * a22 - a12 * a12;
    if (std::abs(det) < 1e-30) return {M, G, false};
    return {(b1 * a22 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det, true};
  }
  if (freeM) return {(aL + 2 * G * Lh) / LL, G, LL > 0};
  if (freeG) return {M, -(ah - M * Lh) / (2 * hh), hh > 0};
  return {M, G, true};
}

}  // namespace

DirectEstimate estimateDirect(const prep::FieldData& data, const models::ParameterChoice& params,
                              const MollifierSettings& settings) {
  torch::NoGradGuard noGrad;
  DirectEstimate out;
  const int T = data.frames();
  out.steady = T < 3;
  MollifierSettings s = settings;
  s.halfWidthT = timeHalfWidthFor(T, settings);
  const models::ChromatinModel model(params.values);
  const FieldDerivativeEngine engine(model, s, data.dx, data.dy, data.dt, !out.steady);
  out.haloXY = engine.haloXY();
  out.haloT = engine.haloT();

  const torch::Tensor fields = fieldsTensor(data);  // [2, T, H, W] float64
  const auto t = model.terms(engine(fields), out.steady);
  const int h = out.haloXY;
  const int H = data.height(), W = data.width();
  out.region = prep::analysedRegion(data.mask, h);
  if (cv::countNonZero(out.region) < 16)
    throw std::invalid_argument("the nucleus is too small for the derivative kernel (" + std::to_string(2 * h + 1) +
                                " px wide): fewer than 16 pixels remain");
  const torch::Tensor region =
      matToTensor(out.region).slice(0, h, H - h).slice(1, h, W - h).gt(0);  // [H', W'] bool

  double M = params.values.M, G = params.values.gammaAc;
  const bool freeM = !params.fixM && !out.steady, freeG = !params.fixGamma && !out.steady;
  if (freeM || freeG) {
    const ScalarFit f = fitScalars(t, region, M, G, freeM, freeG);
    // A negative mobility or rate means the data cannot tell; keep the default then.
    if (freeM && f.ok && f.M > 0 && std::isfinite(f.M)) M = f.M;
    if (freeG && f.ok && f.G > 0 && std::isfinite(f.G)) G = f.G;
    out.estimatedM = freeM && M == f.M;
    out.estimatedGammaAc = freeG && G == f.G;
  }
  out.M = M;
  out.gammaAc = G;
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  const auto ee = dot(t.e, t.e).clamp_min(1e-12);
  const auto sumR = [&](const torch::Tensor& x) { return x.masked_select(region).sum().item<double>(); };
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
