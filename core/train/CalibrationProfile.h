#pragma once
// What the dynamics say about the scalars a run would otherwise assume: the heterochromatin
// channel's gain (the share, mean φ_h / mean φ_c over the nuclei), M and Γ_ac.
//
// At a share s the fields are φ_c = C and φ_h = (s/s_ref)·H, so the mollified terms are
// polynomials in s (TermComponents), λ(x) is eliminated per pixel in closed form and M, Γ_ac
// enter linearly: the projected residual P(a − M·L + 2Γ·h) has a quadratic sum of squares
// J(s; M, Γ) with six coefficients, summed over the pixels from one Gram matrix of the
// components over the frames. The sums are corrected for noise (SIMEX: twice the data's value
// less the value with synthetic noise of the data's own level), so the noise carried through
// ∇⁴ neither pulls M towards 0 nor decides the share. ProfileFit.h turns them into estimates.
//
// This file computes one stack's sums — at every grid share, for the data and each synthetic
// realization, at each kernel width — which is all the pooled fit of an acquisition needs, so a
// batch computes them per stack (in parallel, on a cluster) and pools them afterwards.
#include "core/models/ChromatinParameters.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::train {

struct FieldBundle;

struct ProfileSettings {
  std::vector<double> shares;          // the share grid (defaultShareGrid)
  std::vector<int> widths{8, 10, 12};  // space kernel half-widths tried (ProfileFit chooses)
  // Synthetic-noise realizations: the correction subtracts their mean and their spread is the
  // noise's effect on every estimate (the intervals), so they must be several: 6 gives Student's
  // t with 5 degrees of freedom (2.0 for 90 %).
  int noiseReps = 6;
  std::int64_t budgetNodes = 2'000'000;  // pixel-frames read per width (richest tiles)
};

// 0.10 … 0.90 in steps of 0.02: the physical range of the share (φ_h < φ_c); where the set of
// shares the data allow reaches an end, the share is not identified.
std::vector<double> defaultShareGrid();

// One width's sums: entries[(s·(R + 1) + r)·6 + k] — grid share s, realization r (0: the data,
// 1…R: with synthetic noise), k: Σ(Pa)², Σ Pa·PL, Σ Pa·Ph, Σ(PL)², Σ PL·Ph, Σ(Ph)².
struct WidthSums {
  int halfWidthXY = 0;
  std::int64_t pixels = 0;  // pixels summed (0: the nuclei are too small for this width)
  std::vector<double> entries;
};

struct StackProfile {
  std::string name;        // the stack's file (reports)
  double shareRef = 0.5;   // the share the fields carried when the sums were taken
  double countsRatio = 1;  // mean heterochromatin / density counts over the nuclei (offsets off)
  int group = 0;           // stacks of one group share M and Γ_ac (a condition's cells)
  // Mean counts of each channel over the nuclei (offsets off; for fractions, the mean φ) and
  // the nuclei's pixels: a pooled calibration fixes the density gain from them.
  double meanCounts[2] = {0, 0};
  std::int64_t nucleusPixels = 0;
  std::vector<double> shares;
  int reps = 0;
  std::vector<WidthSums> widths;
  double at(size_t w, size_t s, int r, int k) const {
    return widths[w].entries[(s * size_t(reps + 1) + size_t(r)) * 6 + size_t(k)];
  }
};

// `values`: ℓ and φ_max (M, Γ_ac are what is profiled). Needs ≥ 3 frames (throws
// std::invalid_argument). Cancellation through `feedback` (util::Canceled).
StackProfile profileStack(const FieldBundle& data, const models::ChromatinParameters& values,
                          double shareRef, double countsRatio, const ProfileSettings& settings,
                          util::Feedback* feedback = nullptr);

// A stack's sums as JSON (a batch's per-stack file) and back; parse throws std::runtime_error
// "PATH: problem".
std::string stackProfileJson(const StackProfile& p);
StackProfile parseStackProfileJson(const std::string& text, const std::string& path);

}  // namespace mollichrom::train
