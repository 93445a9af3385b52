#pragma once
// The share, M and Γ_ac from stacks' profile sums (CalibrationProfile.h), pooled: one gain ratio
// for the acquisition (each stack's share follows from its own counts ratio), M and Γ_ac common
// to each group of stacks (a condition's cells).
//
// At each kernel width:
//   U(s)   the share of the λ-projected dynamics Σ(Pa)² left unexplained at the best M, Γ_ac;
//   the estimate: the least U in the basin of the least upper bound U + t·se(U) — where the
//          heterochromatin dynamics vanish (small shares) U is mostly noise, and a chance low
//          value there must not win;
//   90 %:  the shares whose U exceeds the least by at most t·se of the difference (test
//          inversion), connected to the estimate; M and Γ_ac take their t·se intervals over
//          that set. The se's are the spread over the synthetic-noise realizations (each is
//          noise of the data's own level), so the intervals are the noise's effect.
// The width: of the ladder's widths whose intervals meet those of every narrower one
// (intersection of confidence intervals, Lepski: not detectably biased), the one with the
// narrowest interval. Narrow kernels carry noise; wide ones the bias of mollifying λ·φ_e where
// λ varies within the support, and fewer pixels (the nuclei are eroded by the support).
//
// Identified means bounded well enough to use: the share's interval inside the grid and
// narrower than the range the default assumes (0.35–0.65, 0.30 wide); M's and Γ_ac's above zero
// and narrower than a factor 4 (the range 0.5–2 a default of 1 stands for).
#include "core/prep/AcquisitionCalibration.h"
#include "core/train/CalibrationProfile.h"

#include <vector>

namespace mollichrom::train {

struct ProfileChoice {
  bool freeShare = true, freeM = true, freeGamma = true;
  double share = 0.5, M = 1, gammaAc = 1;  // used where not free
};

struct WidthFit {
  int halfWidthXY = 0;
  bool usable = false;  // every stack had pixels for this width and the fit succeeded
  prep::EstimatedValue share;
  std::vector<prep::EstimatedValue> M, gammaAc;  // per group
  double unexplained = 0;
  std::vector<double> profile;         // U over the grid shares
  std::vector<double> repUnexplained;  // each realization's U at the estimate (the check's se)
};

struct ProfileFit {
  std::vector<double> shares;  // the pooled grid
  std::vector<WidthFit> widths;
  int chosen = -1;  // index into widths (−1: no width usable)
  const WidthFit* best() const { return chosen >= 0 ? &widths[size_t(chosen)] : nullptr; }
};

// Throws std::invalid_argument when `stacks` is empty or their grids differ.
ProfileFit fitProfile(const std::vector<const StackProfile*>& stacks, const ProfileChoice& choice);

// How much less of the dynamics the scalars a run used explain than the best the data allow
// (the chosen width of `fit`, which must come from the same stacks): the test behind the fit
// verdict when values were given, assumed or taken from another acquisition's calibration.
struct ScalarCheck {
  bool tested = false;
  double unexplainedUsed = 0, unexplainedBest = 0;
  double se = 0;          // of the difference, over the noise realizations
  bool rejected = false;  // worse than the best by more than t·se (one-sided 95 %)
};
// `M`, `gammaAc`: per group, the values used.
ScalarCheck checkScalars(const std::vector<const StackProfile*>& stacks, const ProfileFit& fit,
                         double share, const std::vector<double>& M,
                         const std::vector<double>& gammaAc);

// The share of the λ-projected dynamics left unexplained at the best scalars above which the
// model explains them poorly / not at all: the verdict's thresholds, and where a stack's
// scalars mean nothing (a pooled calibration leaves such a stack out; one stack's values are
// then not identified). Measured on simulations with known truth (docs/calibration.md).
constexpr double kProfileUnexplainedDoubtful = 0.2, kProfileUnexplainedBad = 0.5;

// The limits of "identified" (see above).
constexpr double kShareIdentifiedWidth = 0.30;
constexpr double kRateIdentifiedFactor = 4.0;

}  // namespace mollichrom::train
