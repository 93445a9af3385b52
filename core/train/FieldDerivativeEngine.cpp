#include "core/train/FieldDerivativeEngine.h"

namespace mollichrom::train {

FieldDerivativeEngine::FieldDerivativeEngine(const models::PdeModel& model,
                                             const MollifierSettings& s, double dx, double dy,
                                             double dt, bool timeDependent)
    : model_(&model), ops_(model.operators(timeDependent)), timeDependent_(timeDependent) {
  mollifier::MollifierLayerOptions o;
  o.kernel = kernelSpec(s, dx, dy, dt, timeDependent);
  o.operators = ops_;
  layer_ = mollifier::MollifierLayer(o);
  const auto halo = layer_->halo();
  haloXY_ = static_cast<int>(halo.back());
  haloT_ = timeDependent ? static_cast<int>(halo.front()) : 0;
}

FieldDerivativeEngine FieldDerivativeEngine::series(const models::PdeModel& model, int halfWidth,
                                                    double spacing,
                                                    mollifier::KernelFamily family) {
  FieldDerivativeEngine e;
  e.model_ = &model;
  e.ops_ = model.operators(false);
  e.series_ = true;
  mollifier::MollifierLayerOptions o;
  o.kernel.family = family;
  o.kernel.dims = 1;
  o.kernel.dx = spacing;
  o.kernel.radius = (halfWidth + 1) * spacing;  // ceil(ε/h) − 1 = halfWidth nodes per side
  o.kernel.polynomialPower = 8;
  o.operators = e.ops_;
  e.layer_ = mollifier::MollifierLayer(o);
  e.haloXY_ = static_cast<int>(e.layer_->halo().back());
  return e;
}

models::FieldDerivatives FieldDerivativeEngine::operator()(const torch::Tensor& observed) const {
  const torch::Tensor fields = model_->derivedFields(observed);
  models::FieldDerivatives d;
  d.ops = ops_;
  if (series_) {
    // [F, 1, 1, N] → [1, F, N] through the 1-D layer → [1, F, K, N'] → [F, K, 1, 1, N'].
    const auto F = fields.size(0);
    d.data =
        layer_->forwardStacked(fields.reshape({1, F, -1})).squeeze(0).unsqueeze(2).unsqueeze(2);
  } else if (timeDependent_) {
    d.data = layer_->forwardStacked(fields.unsqueeze(0)).squeeze(0);  // [F, K, T', H', W']
  } else {
    // Frames as the batch: [T, F, H, W] through the 2-D layer → [T, F, K, H', W'] → [F, K, T, H',
    // W'].
    d.data = layer_->forwardStacked(fields.transpose(0, 1)).permute({1, 2, 0, 3, 4});
  }
  return d;
}

}  // namespace mollichrom::train
