#pragma once
// The chromatin model's residual terms (a, L, e, h; ChromatinModel::Terms) from gridded fields,
// with no derivative above 2nd order taken of the data. The kernel is a product of a time
// kernel η_t and a space kernel η_s, applied in passes:
//   0. (time-lapse) every field → its η_t-smoothed value and ∂t (1-D, along frames);
//   1. φ_c, φ_h and the well term h(φ_h) → η_s-mollified values and Laplacians; then
//      η∗μ_d = −η∗φ_e + η∗h(φ_h) − ℓ²∇²η∗φ_d exactly (the well term is mollified, not taken
//      of mollified fields: that approximation biased λ at sharp features);
//   2. L = ∇²η₂∗(η∗μ_d) by a second 2-D pass (η₂ = η_s), and a, e, h smoothed by the same pass,
//      so every term carries the same smoothing.
// Why: the 4th derivative of noisy data through one narrow kernel amplifies noise by ε⁻⁴ and
// the direct estimate collapsed at small kernels; two 2nd-order passes amplify it by ε⁻² each.
// Why a product kernel: λ(x) does not depend on time, so η_t passes through λ·φ_e —
// η∗(λφ_e) = η₂∗η_s∗(λ · η_t∗φ_e) — which lets RateSolver work on 2-D images.
// The halo is two kernel radii in space, one in time.
#include "core/models/ChromatinModel.h"
#include "core/mollifier/MollifierLayer.h"
#include "core/train/MollifierSettings.h"

#include <torch/torch.h>

namespace mollichrom::train {

// The terms as functions of the heterochromatin channel's scale g (φ_h = g·H, φ_c = C): every
// pass is linear and the only nonlinearity, the well term h(φ_h) = φ_max²φ_h − 3φ_max φ_h² +
// 2φ_h³, is a cubic, so a = a_C + g·a_H, e = e_C + g·e_H, h = −g·e_H and
// L = L_C + g·L_H + g²·L_2 + g³·L_3 exactly. Computed once, the terms at any g — the counts
// calibration's unknown channel gain — cost a few multiply-adds (CalibrationProfile).
struct TermComponents {
  torch::Tensor aC, aH, eC, eH, LC, LH, L2, L3;  // [T', h'', w''] each
  models::ChromatinModel::Terms at(double g) const;
};

class ModelTerms {
 public:
  ModelTerms(const models::ChromatinModel& model, const MollifierSettings& settings, double dx,
             double dy, double dt, bool timeDependent);
  // fields [2, T, H, W] (float64) → terms on [T', H − 2·haloXY, W − 2·haloXY].
  models::ChromatinModel::Terms operator()(const torch::Tensor& fields) const;
  // The same terms decomposed in the heterochromatin scale (TermComponents).
  TermComponents components(const torch::Tensor& fields) const;
  // η_t∗x for x [T, H, W] → [T', H, W] (x itself in steady mode).
  torch::Tensor timeSmooth(const torch::Tensor& x) const;
  // η₂∗η_s∗x for x [N, H, W] → [N, H − 2·haloXY, W − 2·haloXY].
  torch::Tensor spatialBlur(const torch::Tensor& x) const;
  int haloXY() const { return first_ + second_; }
  int haloT() const { return haloT_; }
  bool timeDependent() const { return timeDependent_; }
  // How far a caller may mirror the fields beyond the image border (FieldBundle::window): the
  // second pass's radius, so λ reaches one kernel radius from the border (the first pass
  // always reads measured data; only the smoothing of the terms sees the mirror).
  int mirrorXY() const { return second_; }

 private:
  // [N, T] series through the time pass → [N, K, T'].
  torch::Tensor timePass(const torch::Tensor& series) const;
  const models::ChromatinModel& model_;
  mutable mollifier::MollifierLayer time_{nullptr}, space1_{nullptr}, space1v_{nullptr},
      pass2_{nullptr}, pass2v_{nullptr};
  bool timeDependent_;
  int first_ = 0, second_ = 0, haloT_ = 0;
};

}  // namespace mollichrom::train
