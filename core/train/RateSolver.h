#pragma once
// λ(x) as the regularised solution of the mollified PDE, not a per-pixel ratio.
//
// Mollifying the model's residual with the two passes of ModelTerms (η₁ in space and time, then
// η₂ in space) is exact for every linear term:
//      2Γ · η₂∗η₁∗(λ·φ_e) = η₂∗(∂tφ̃_d + 2Γ φ̃_h) − M ∇²η₂∗μ(φ̃),   φ̃ = η₁∗φ
// (μ is taken of the mollified fields: the only approximation, and a small one). The left side
// is a blur of λ·φ_e, so dividing pixel by pixel (the direct estimate) returns λ blurred by
// η₂∗η₁ — a 4 px band comes out at a third of its height. Here λ is the minimiser of
//      J(λ) = mean((K λ − b)²) / s²  +  α · mean(|∇λ|²),     K λ = 2Γ η₂∗η₁∗(λ φ_e),
// a convex quadratic solved by conjugate gradients to a relative tolerance (the answer is the
// minimiser, so more iterations never change it), with
//   s² — the variance the data's noise puts into b, measured by re-computing b with synthetic
//        noise of the data's σ (HashedNoise) — and
//   α  — chosen by Morozov's discrepancy principle: the largest α whose fit leaves a residual no
//        larger than the noise explains (mean((Kλ − b)²) = τ·s² over the nucleus).
// K's adjoint comes from autograd through the mollifier layers.
#include "core/models/ChromatinParameters.h"
#include "core/train/MollifierSettings.h"

#include <opencv2/core.hpp>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::train {

struct FieldBundle;

// The prior on λ: smooth (quadratic, penalises |∇λ|²) or total variation (|∇λ|, solved by
// iteratively reweighted least squares): heterochromatin sits in bands, foci and compartments
// with sharp edges, which a quadratic prior rounds off.
enum class RatePrior { Smooth, TotalVariation };

struct RateSolveOptions {
  RatePrior prior = RatePrior::TotalVariation;
  int reweightings = 3;           // IRLS rounds per α (total variation)
  double tvEpsilon = 0.02;        // TV's smoothing, as a share of λ's median
  double searchTolerance = 1e-3;  // CG tolerance while α is searched
  double alpha = -1;              // fixed α (> 0), or < 0: by the discrepancy principle
  // Discrepancy target in units of the noise variance s². Morozov's τ > 1: the residual at
  // the true λ exceeds s² by the model's own error (measured 2–5 % on the suite), and a
  // target of exactly 1 then asks for a fit better than the truth — the solve overfits noise
  // (a 50-frame series went from r 0.97 to 0.13).
  double tau = 1.1;
  int maxIterations = 2000;  // CG iterations per α
  int uncertaintyReps = 4;   // Hutchinson probes for the 90 % band (0: no band)
  double tolerance = 1e-4;   // relative gradient norm at which CG stops
};

struct RateSolveResult {
  cv::Mat lambda;                 // CV_32F, image size (NaN outside `region`)
  cv::Mat lambdaLow, lambdaHigh;  // the 90 % band (empty when uncertaintyReps is 0)
  double alpha = 0;               // the regularisation used
  double discrepancy = 0;         // mean((Kλ − b)²)/s² over the nucleus at the answer
  double noiseVariance = 0;       // s²
  int iterations = 0;             // CG iterations, all α together
  bool converged = false;         // the last solve reached the tolerance
  int alphaTrials = 0;
  double noiseCorrelationArea = 1;  // nodes over which the residual's noise is correlated
  int kernelHalfWidthXY = 0;        // the space kernel it used (px)
};

// `start`: initial λ (image size, NaN allowed; e.g. the direct estimate). `region`: where λ is
// reported (and where the discrepancy is measured).
RateSolveResult solveRates(const FieldBundle& data, const models::ChromatinParameters& values,
                           double M, double gammaAc, const MollifierSettings& settings,
                           const cv::Mat& region, const cv::Mat& start,
                           const RateSolveOptions& options = {},
                           util::Feedback* feedback = nullptr);

}  // namespace mollichrom::train
