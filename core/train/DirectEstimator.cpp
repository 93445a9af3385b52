#include "core/train/DirectEstimator.h"

#include "core/models/ChromatinModel.h"
#include "core/train/FieldDerivativeEngine.h"
#include "core/train/TensorConvert.h"
#include "core/util/Feedback.h"

#include <cmath>

#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace mollichrom::train {

double estimateNoiseLevel(const prep::FieldData& data) {
  // Noise is independent from frame to frame while the signal changes smoothly, so the
  // temporal second difference I(t+1) − 2I(t) + I(t−1) is almost pure noise with σ·√6;
  // its median absolute value gives σ robustly. A single snapshot falls back to the
  // Laplacian stencil (σ·√20), which also sees fine texture and so overestimates.
  std::vector<float> v;
  const int T = data.frames();
  for (const auto* planes : {&data.density, &data.hetero}) {
    if (T >= 3) {
      for (int t = 1; t + 1 < T; ++t) {
        const cv::Mat d2 = (*planes)[t + 1] - 2 * (*planes)[t] + (*planes)[t - 1];
        for (int y = 0; y < d2.rows; ++y)
          for (int x = 0; x < d2.cols; ++x)
            if (data.mask.at<std::uint8_t>(y, x)) v.push_back(std::abs(d2.at<float>(y, x)) / std::sqrt(6.f));
      }
    } else {
      for (const cv::Mat& p : *planes) {
        cv::Mat lap;
        cv::Laplacian(p, lap, CV_32F, 1);
        for (int y = 2; y < lap.rows - 2; ++y)
          for (int x = 2; x < lap.cols - 2; ++x)
            if (data.mask.at<std::uint8_t>(y, x)) v.push_back(std::abs(lap.at<float>(y, x)) / std::sqrt(20.f));
      }
    }
  }
  if (v.empty()) return 1e-3;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return std::max(1e-5, v[v.size() / 2] / 0.6745);
}

int timeHalfWidthFor(int frames, const MollifierSettings& s) {
  if (frames < 3) return 0;
  return std::max(1, std::min(s.halfWidthT, (frames - 1) / 2));
}

namespace {

struct ScalarFit { double M, G; bool ok; };

// The projected normal-equation entries of the (M, Γ) problem, Γλ eliminated per pixel.
struct Normal { double LL = 0, hh = 0, Lh = 0, aL = 0, ah = 0; };

Normal normalEntries(const models::ChromatinModel::Terms& t, const torch::Tensor& region) {
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  const auto ee = dot(t.e, t.e).clamp_min(1e-12);
  auto proj = [&](const torch::Tensor& x, const torch::Tensor& y) { return dot(x, y) - dot(t.e, x) * dot(t.e, y) / ee; };
  const auto sumR = [&](const torch::Tensor& x) { return x.masked_select(region).sum().item<double>(); };
  return {sumR(proj(t.L, t.L)), sumR(proj(t.h, t.h)), sumR(proj(t.L, t.h)), sumR(proj(t.a, t.L)), sumR(proj(t.a, t.h))};
}

// r = P a − M P L + 2Γ P h, minimised over the free ones.
ScalarFit solveScalars(const Normal& n, double M, double G, bool freeM, bool freeG) {
  if (freeM && freeG) {
    const double a11 = n.LL, a12 = -2 * n.Lh, a22 = 4 * n.hh, b1 = n.aL, b2 = -2 * n.ah;
    const double det = a11 * a22 - a12 * a12;
    if (!(std::abs(det) > 1e-30) || !(a11 > 0) || !(a22 > 0)) return {M, G, false};
    return {(b1 * a22 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det, true};
  }
  if (freeM) return {(n.aL + 2 * G * n.Lh) / n.LL, G, n.LL > 0};
  if (freeG) return {M, -(n.ah - M * n.Lh) / (2 * n.hh), n.hh > 0};
  return {M, G, true};
}

}  // namespace

DirectEstimate estimateDirect(const prep::FieldData& data, const models::ParameterChoice& params,
                              const MollifierSettings& settings, util::Feedback* feedback) {
  auto checkCancel = [&] {
    if (feedback) feedback->throwIfCanceled();
  };
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
    // Fit on the widest kernel (down to the λ kernel) that leaves at least 200 region pixels.
    // Float32 here: the wide 3-D kernels dominate the direct estimator's cost, and the sums
    // below are accumulated over thousands of pixels in any case.
    const torch::Tensor fields32 = fields.to(torch::kFloat32);
    models::ChromatinModel::Terms ts = t;
    torch::Tensor rs = region;
    for (int k = settings.scalarHalfWidthXY; k > h; k -= 4) {
      const cv::Mat reg = prep::analysedRegion(data.mask, k);
      if (cv::countNonZero(reg) < 200 || 2 * k + 1 >= std::min(H, W)) continue;
      MollifierSettings wide = s;
      wide.halfWidthXY = k;
      checkCancel();
      const FieldDerivativeEngine we(model, wide, data.dx, data.dy, data.dt, true);
      ts = model.terms(we(fields32), false);
      rs = matToTensor(reg).slice(0, k, H - k).slice(1, k, W - k).gt(0);
      out.scalarHalfWidthXY = k;
      break;
    }
    // Noise in the fields is noise in the regressors (L holds 4th derivatives): plain least
    // squares shrinks M towards 0. Corrected least squares: the noise's share of each entry is
    // measured by adding synthetic noise of the estimated level (twice, averaged) and removed
    // (the linear SIMEX step, Cook & Stefanski 1994).
    MollifierSettings wideS = s;
    wideS.halfWidthXY = out.scalarHalfWidthXY > 0 ? out.scalarHalfWidthXY : s.halfWidthXY;
    const FieldDerivativeEngine se(model, wideS, data.dx, data.dy, data.dt, true);
    const double sigma = data.noiseSigma > 0 ? data.noiseSigma : estimateNoiseLevel(data);
    out.noiseSigma = sigma;
    const Normal n0 = normalEntries(ts, rs);
    const int reps = 4;
    // Each synthetic realization gives its own corrected estimate; their spread says whether
    // the data determine M and Γ at all at this noise level.
    std::vector<double> Ms, Gs;
    torch::manual_seed(20261127);
    for (int r = 0; r < reps; ++r) {
      checkCancel();
      const Normal n1 = normalEntries(model.terms(se(fields32 + torch::randn_like(fields32) * sigma), false), rs);
      const Normal c{2 * n0.LL - n1.LL, 2 * n0.hh - n1.hh, 2 * n0.Lh - n1.Lh, 2 * n0.aL - n1.aL, 2 * n0.ah - n1.ah};
      const ScalarFit fr = solveScalars(c, M, G, freeM, freeG);
      Ms.push_back(fr.ok ? fr.M : std::nan(""));
      Gs.push_back(fr.ok ? fr.G : std::nan(""));
    }
    auto meanSpread = [](const std::vector<double>& v, double* mean, double* spread) {
      double s1 = 0, s2 = 0;
      for (double x : v) { s1 += x; s2 += x * x; }
      *mean = s1 / v.size();
      *spread = std::sqrt(std::max(0.0, s2 / v.size() - *mean * *mean));
    };
    double mM, sM, mG, sG;
    meanSpread(Ms, &mM, &sM);
    meanSpread(Gs, &mG, &sG);
    out.uncertaintyM = sM;
    out.uncertaintyGammaAc = sG;
    // Identifiable: positive, and the realizations agree to within 25%.
    auto determined = [](double m, double sd) { return std::isfinite(m) && m > 0 && sd < 0.25 * m; };
    ScalarFit f{freeM ? mM : M, freeG ? mG : G, true};
    out.noiseCorrected = true;
    if (freeM && !determined(mM, sM)) f.M = -1;  // → default below
    if (freeG && !determined(mG, sG)) f.G = -1;
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
  out.reactionRms = (2 * G * t.h).pow(2).mean().sqrt().item<double>();
  out.residualRms = std::sqrt(sumR((resid * resid).mean(0)) / std::max<int64_t>(1, region.sum().item<int64_t>()));
  lambda = torch::where(region, lambda, torch::full_like(lambda, std::nan("")));
  cv::Mat full(H, W, CV_32F, cv::Scalar(std::nanf("")));
  tensorToMat(lambda).copyTo(full(cv::Rect(h, h, W - 2 * h, H - 2 * h)));
  out.lambda = full;
  return out;
}

}  // namespace mollichrom::train
