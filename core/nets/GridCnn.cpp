#include "core/nets/GridCnn.h"

#include <cmath>

namespace mollichrom::nets {

GridCnnImpl::GridCnnImpl(const GridCnnOptions& o) {
  convs_ = register_module("convs", torch::nn::ModuleList());
  for (int i = 0; i < o.depth; ++i) {
    const int in = i == 0 ? o.channels : o.width, out = i == o.depth - 1 ? o.channels : o.width;
    auto conv = torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, 3).padding(1).padding_mode(torch::kReplicate));
    if (i == o.depth - 1) {
      torch::NoGradGuard g;
      conv->weight.zero_();
      conv->bias.zero_();
    }
    convs_->push_back(conv);
  }
}

torch::Tensor GridCnnImpl::forward(torch::Tensor x) {
  const size_t n = convs_->size();
  for (size_t i = 0; i < n; ++i) {
    x = convs_[i]->as<torch::nn::Conv2d>()->forward(x);
    if (i + 1 < n) x = torch::silu(x);
  }
  return x;
}

FourierMlpImpl::FourierMlpImpl(const FourierMlpOptions& o) {
  B_ = register_buffer("B", torch::randn({o.inputs, o.features}) * o.sigma);
  layers_ = register_module("layers", torch::nn::ModuleList());
  int in = 2 * o.features + o.inputs;
  for (int i = 0; i < o.hidden; ++i) {
    layers_->push_back(torch::nn::Linear(in, o.width));
    in = o.width;
  }
  auto last = torch::nn::Linear(in, o.outputs);
  layers_->push_back(last);
}

torch::Tensor FourierMlpImpl::forward(torch::Tensor coords) {
  const auto proj = 2 * 3.14159265358979323846 * torch::matmul(coords, B_.to(coords.dtype()));
  torch::Tensor x = torch::cat({torch::sin(proj), torch::cos(proj), coords}, 1);
  const size_t n = layers_->size();
  for (size_t i = 0; i < n; ++i) {
    x = layers_[i]->as<torch::nn::Linear>()->forward(x);
    if (i + 1 < n) x = torch::silu(x);
  }
  return x;
}

}  // namespace mollichrom::nets
