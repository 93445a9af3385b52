#pragma once
// Does the model fit the data? After the estimate, at the reported λ and scalars:
//   explained  the share of the observed ∂tφ_d (its variance over the nuclei) that the model's
//              other terms account for — 1 − Σr²/Σ(a − ā)², r the mollified PDE residual;
//   chi2       the residual's mean square over what the data's noise alone leaves in it
//              (measured by recomputing with synthetic noise of the data's level): ≈ 1 when
//              what is left is noise, ≫ 1 when the model misses structure;
//   unexplained  (residual − its noise part) / (∂tφ_d's variance − its noise part): the
//              dynamics the model cannot account for (the verdict's measure; noise propagated
//              through ∇⁴ can exceed ∂tφ_d's variance, so the raw share explained is not);
//   lambdaSnr  λ's mean square over its noise variance: pure noise gives ≈ 1.
// A steady snapshot gives one equation per pixel for one λ: the residual is zero wherever λ ≥ 0,
// so there only the share of the nuclei where the equation asks for λ < 0 beyond noise tests it.
// Verdict thresholds: README, "Is my result trustworthy?" (measured on the project's simulations
// with known truth: correct model vs ℓ off by 5× and pure noise).
#include "core/models/ChromatinParameters.h"
#include "core/train/MollifierSettings.h"

#include <opencv2/core.hpp>

#include <string>

namespace mollichrom::train {

struct FieldBundle;

enum class FitVerdict { Good, Doubtful, DoesNotFit, NotTested };
std::string fitVerdictName(FitVerdict v);  // "good", "doubtful", "model does not fit", "not tested"

struct FitQuality {
  double explained = 0;      // time-lapse: share of ∂tφ_d's variance explained
  double chi2 = 0;           // residual mean square / its noise-only part
  double negativeShare = 0;  // share of the nuclei asking for λ < 0 beyond the noise
  double signalShare = 0;    // share of ∂tφ_d's variance that is not noise
  double unexplained = 0;    // residual beyond noise / ∂tφ_d's variance beyond noise
  double lambdaSnr = 0;      // mean λ² over its noise variance (pure noise: ≈ 1)
  FitVerdict verdict = FitVerdict::NotTested;
  std::string reason;  // one sentence: which number decided
};

// `lambda` and `region` as reported; `halfWidthXY` the space kernel used. Reads at most ~10⁶
// pixel-frames (the tiles richest in nucleus).
FitQuality assessFit(const FieldBundle& data, const models::ChromatinParameters& values, double M,
                     double gammaAc, const MollifierSettings& settings, int halfWidthXY,
                     const cv::Mat& lambda, const cv::Mat& region);

}  // namespace mollichrom::train
