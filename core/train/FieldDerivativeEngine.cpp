#include "core/train/FieldDerivativeEngine.h"

namespace mollichrom::train {

FieldDerivativeEngine::FieldDerivativeEngine(const models::PdeModel& model, const MollifierSettings& s, double dx,
                                             double dy, double dt, bool timeDependent)
    : ops_(model.operators(timeDependent)), timeDependent_(timeDependent) {
  mollifier::MollifierLayerOptions o;
  o.kernel = kernelSpec(s, dx, dy, dt, timeDependent);
  o.operators = ops_;
  layer_ = mollifier::MollifierLayer(o);
  const auto halo = layer_->halo();
  haloXY_ = static_cast<int>(halo.back());
  haloT_ = timeDependent ? static_cast<int>(halo.front()) : 0;
}

models::FieldDerivatives FieldDerivativeEngine::operator()(const torch::Tensor& fields) const {
  models::FieldDerivatives d;
  d.ops = ops_;
  std::vector<torch::Tensor> out;
  if (timeDependent_) {
    out = layer_->forward(fields.unsqueeze(0));  // [1, F, T', H', W'] per op
    for (auto& o : out) o = o.squeeze(0);
  } else {
    // Frames as the batch: [T, F, H, W] through the 2-D layer, back to [F, T, H', W'].
    out = layer_->forward(fields.transpose(0, 1));
    for (auto& o : out) o = o.transpose(0, 1);
  }
  d.data = torch::stack(out, 1);  // [F, K, T', H', W']
  return d;
}

}  // namespace mollichrom::train
