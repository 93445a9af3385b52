#pragma once
// The network-free estimate of λ(x): the PDE residual of the mollified data is affine in
// λ, M and Γ_ac, so they follow from least squares. Per pixel, Γλ is eliminated in closed form
// (its normal equation over the frames); the remaining 2-parameter problem for the free
// scalars is solved over the whole analysed region. Instant (milliseconds), used as a preview
// and as the trainer's starting point.
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"
#include "core/train/MollifierSettings.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::train {

struct FieldBundle;  // FieldBundle.h (LibTorch) stays out of this header

struct DirectEstimate {
  cv::Mat lambda;  // CV_32F, image size, NaN outside the analysed region
  cv::Mat region;  // CV_8U, 255 where λ is estimated
  // The 90 % band of λ per pixel (CV_32F, NaN outside the region; empty when not computed).
  cv::Mat lambdaLow, lambdaHigh;
  double M = 1, gammaAc = 1;
  // False when the least-squares value was not physical (≤ 0: noise swamps that term) and the
  // default was kept.
  bool estimatedM = false, estimatedGammaAc = false;
  bool steady = false;  // single-snapshot mode (fewer than 3 frames)
  int haloXY = 0, haloT = 0;
  int scalarHalfWidthXY = 0;    // kernel used for M and Γ_ac (0: the λ kernel)
  double noiseSigma = 0;        // noise level used for the errors-in-variables correction
  bool noiseCorrected = false;  // M, Γ from the noise-corrected normal equations
  // Spread (standard deviation) of the corrected M and Γ over synthetic-noise realizations;
  // a free scalar whose spread exceeds 25% of its value is reported as not identifiable and
  // keeps its default (estimatedM / estimatedGammaAc false).
  double uncertaintyM = 0, uncertaintyGammaAc = 0;
  double residualRms = 0;  // of the PDE residual at the estimate, over the region
  double reactionRms =
      0;  // of the decay term 2Γ_ac·φ_h over the valid grid (the trainer's residual scale)
  // The space kernel per pixel: "fixed" (MollifierSettings::halfWidthXY) or "risk"
  // (chosen from a ladder by the estimated error of λ; kernelMap holds the half-width).
  std::string kernelRule = "fixed";
  std::vector<int> kernelCandidates;
  cv::Mat kernelMap;
  double kernelMedian = 0, kernelP10 = 0, kernelP90 = 0;
  // Per candidate: the estimated mean squared error of λ (up to a common constant) and the
  // noise variance part of it, averaged over the region.
  std::vector<double> kernelRisk, kernelVariance;
  // The share of λ's noise variance (at the chosen width) that the frame-mean of the field
  // noise causes: a floor no model of the fields can remove, only more frames or less noise
  // (DirectEstimator.cpp, staticNoiseShare). −1 when not measured (one frame, fixed kernel).
  double staticNoiseShare = -1;
  int tileSize = 0;    // interior edge of the tiles the estimate was computed in (px)
  int tiles = 0;       // how many tiles the λ pass used
  double seconds = 0;  // wall time of the estimate
};

// Working memory of the estimator per grid node of a tile's source (float64 fields, six
// operators of two fields, the model's terms and the FFT's spectra); measured peak over the
// tile loop ÷ source nodes, with a margin (README, "bench scale").
constexpr double kDirectBytesPerNode = 420;
// Default memory for one tile's working set.
constexpr double kDefaultTileBudgetBytes = 256.0 * 1024 * 1024;

// The space half-width λ was estimated with: the data-chosen one, else the configured one.
int chosenHalfWidthXY(const DirectEstimate& d, const MollifierSettings& s);

// Whether M and Γ_ac can be inferred (≥ 3 frames) and the kernel's time half-width used.
int timeHalfWidthFor(int frames, const MollifierSettings& s);

// Throws std::invalid_argument when a free parameter cannot be inferred (e.g. 1 frame with M
// free) or the nucleus is too small for the kernel.
// `feedback`: cancellation is checked between tiles (util::Canceled); progress is reported.
// `tileSize`: interior edge of the overlapping tiles (0: the largest within
// kDefaultTileBudgetBytes). Tiles are stitched exactly: the result does not depend on it.
DirectEstimate estimateDirect(const FieldBundle& data, const models::ParameterChoice& params,
                              const MollifierSettings& settings, util::Feedback* feedback = nullptr,
                              int tileSize = 0);
DirectEstimate estimateDirect(const prep::FieldData& data, const models::ParameterChoice& params,
                              const MollifierSettings& settings, util::Feedback* feedback = nullptr,
                              int tileSize = 0);

}  // namespace mollichrom::train
