#include "core/train/FitQuality.h"

#include "core/models/ChromatinModel.h"
#include "core/train/DirectEstimator.h"
#include "core/train/FieldBundle.h"
#include "core/train/ModelTerms.h"
#include "core/train/TensorConvert.h"
#include "core/train/Tiling.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace mollichrom::train {

namespace {

constexpr std::uint64_t kFitNoiseSeed = 20261128;
constexpr int64_t kFitNodes = 1'000'000;
// Verdict thresholds (README, "Is my result trustworthy?").
constexpr double kUnexplainedGood = 0.2, kUnexplainedBad = 0.5;
// λ's mean square under this many times its noise variance: no signal (pure noise).
constexpr double kSnrMin = 4.0;
constexpr double kNegativeGood = 0.05, kNegativeBad = 0.2;

}  // namespace

std::string fitVerdictName(FitVerdict v) {
  switch (v) {
    case FitVerdict::Good:
      return "good";
    case FitVerdict::Doubtful:
      return "doubtful";
    case FitVerdict::DoesNotFit:
      return "model does not fit";
    case FitVerdict::NotTested:
      return "not tested";
  }
  return "not tested";
}

FitQuality assessFit(const FieldBundle& data, const models::ChromatinParameters& values, double M,
                     double G, const MollifierSettings& settings, int halfWidthXY,
                     const cv::Mat& lambda, const cv::Mat& region) {
  torch::NoGradGuard noGrad;
  FitQuality q;
  const bool steady = data.frames < 3;
  MollifierSettings s = settings;
  s.adaptiveXY = false;
  if (halfWidthXY > 0) s.halfWidthXY = halfWidthXY;
  s.halfWidthT = timeHalfWidthFor(data.frames, settings);
  const models::ChromatinModel model(values);
  const ModelTerms engine(model, s, data.dx, data.dy, data.dt, !steady);
  const int k = engine.haloXY();
  const cv::Mat usable = region & (lambda == lambda);
  double lamPower = 0, lamNoise = 0;
  double rr = 0, nn = 0, naa = 0, sa = 0, saa = 0, count = 0, negative = 0, pixels = 0;
  auto dot = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * y).sum(0); };
  for (const auto& [n, tile] :
       richestTiles(usable, k, 64, engine.mirrorXY(), data.frames, kFitNodes)) {
    const auto reg = matToTensor(usable(tile.interior)).gt(0);
    const auto lam = torch::nan_to_num(matToTensor(lambda(tile.interior)).to(torch::kFloat64), 0.0);
    auto residual = [&](const torch::Tensor& fields, torch::Tensor* a, torch::Tensor* lamU) {
      const auto t = engine(fields);
      if (a) *a = t.a;
      if (lamU)
        *lamU = dot(t.e, t.a - M * t.L + 2 * G * t.h) / (2 * G * dot(t.e, t.e).clamp_min(1e-12));
      return t.a - M * t.L - 2 * G * (lam.unsqueeze(0) * t.e - t.h);
    };
    const cv::Rect src(tile.interior.x - k, tile.interior.y - k, tile.interior.width + 2 * k,
                       tile.interior.height + 2 * k);
    torch::Tensor a, an, lamU, lamN;
    const auto r = residual(data.window(src, torch::kFloat64), &a, &lamU);
    const auto rn = residual(data.noisyWindow(src, torch::kFloat64, kFitNoiseSeed), &an, &lamN);
    const auto m = reg.unsqueeze(0).expand_as(r);
    rr += r.masked_select(m).pow(2).sum().item<double>();
    nn += (rn - r).masked_select(m).pow(2).sum().item<double>();
    naa += (an - a).masked_select(m).pow(2).sum().item<double>();
    const auto am = a.masked_select(m);
    sa += am.sum().item<double>();
    saa += am.pow(2).sum().item<double>();
    count += double(am.numel());
    // λ < 0 beyond the noise: below minus twice the change the synthetic noise makes.
    const auto sd = (lamN - lamU).abs();
    negative += (lamU < -2 * sd).logical_and(reg).sum().item<double>();
    lamPower += lamU.masked_select(reg).pow(2).sum().item<double>();
    lamNoise += (lamN - lamU).masked_select(reg).pow(2).sum().item<double>();
    pixels += reg.sum().item<double>();
  }
  if (count == 0) return q;
  const double varA = saa / count - (sa / count) * (sa / count);
  q.explained = varA > 0 ? 1 - (rr / count) / varA : 0;
  q.chi2 = nn > 0 ? rr / nn : 0;
  q.negativeShare = pixels > 0 ? negative / pixels : 0;
  q.lambdaSnr = lamNoise > 0 ? lamPower / lamNoise : 1e9;
  const double signalA = std::max(1e-30, varA * count - naa);
  q.signalShare = varA > 0 ? std::max(0.0, (varA * count - naa) / (varA * count)) : 0;
  q.unexplained = steady ? 0 : std::max(0.0, rr - nn) / signalA;
  std::ostringstream why;
  why.precision(3);
  if (q.lambdaSnr < kSnrMin) {
    // λ no larger than its own noise: nothing in the data for the model to explain.
    q.verdict = FitVerdict::DoesNotFit;
    why << "lambda is no larger than its own noise (power/noise " << q.lambdaSnr
        << "): the data carry no signal the model explains";
  } else if (steady) {
    // One equation per pixel: only negative rates can show a misfit.
    q.verdict = q.negativeShare <= kNegativeGood  ? FitVerdict::Good
                : q.negativeShare <= kNegativeBad ? FitVerdict::Doubtful
                                                  : FitVerdict::DoesNotFit;
    why << "steady snapshot: the model asks for lambda < 0 (beyond noise) on "
        << 100 * q.negativeShare << " % of the nuclei";
  } else {
    // The residual beyond what the data's noise leaves in it, against the part of ∂tφ_d that
    // is signal: the dynamics the model cannot account for.
    q.verdict = q.unexplained <= kUnexplainedGood  ? FitVerdict::Good
                : q.unexplained <= kUnexplainedBad ? FitVerdict::Doubtful
                                                   : FitVerdict::DoesNotFit;
    why << "the model leaves " << 100 * q.unexplained
        << " % of the change of phi_d over time unexplained beyond the noise ("
        << 100 * q.signalShare << " % of that change is signal, the rest noise)";
    if (q.signalShare < 0.1)
      why << "; the series barely changes, so its dynamics test the model little";
  }
  q.reason = why.str();
  return q;
}

}  // namespace mollichrom::train
