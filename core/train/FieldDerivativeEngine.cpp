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

models::FieldDerivatives FieldDerivativeEngine::operator()(const torch::Tensor& observed) const {
  const torch::Tensor fields = model_->derivedFields(observed);
  models::FieldDerivatives d;
  d.ops = ops_;
  if (timeDependent_) {
    d.data = layer_->forwardStacked(fields.unsqueeze(0)).squeeze(0);  // [F, K, T', H', W']
  } else {
    // Frames as the batch: [T, F, H, W] through the 2-D layer → [T, F, K, H', W'] → [F, K, T, H',
    // W'].
    d.data = layer_->forwardStacked(fields.transpose(0, 1)).permute({1, 2, 0, 3, 4});
  }
  return d;
}

}  // namespace mollichrom::train
