#include "core/nets/CoordinateMlp.h"

namespace mollichrom::nets {

CoordinateMlpImpl::CoordinateMlpImpl(const CoordinateMlpOptions& o) {
  int in = o.inputs;
  for (int i = 0; i < o.hidden; ++i) {
    layers_->push_back(torch::nn::Linear(in, o.width));
    in = o.width;
  }
  layers_->push_back(torch::nn::Linear(in, o.outputs));
  register_module("layers", layers_);
  // Xavier init keeps tanh layers out of saturation, as is usual for PINNs.
  for (auto& p : named_parameters()) {
    if (p.key().find("weight") != std::string::npos)
      torch::nn::init::xavier_normal_(p.value());
    else
      torch::nn::init::zeros_(p.value());
  }
}

torch::Tensor CoordinateMlpImpl::forward(torch::Tensor x) {
  const size_t n = layers_->size();
  for (size_t i = 0; i < n; ++i) {
    x = layers_[i]->as<torch::nn::Linear>()->forward(x);
    if (i + 1 < n) x = torch::tanh(x);
  }
  return x;
}

}  // namespace mollichrom::nets
