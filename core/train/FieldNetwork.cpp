#include "core/train/FieldNetwork.h"

#include <stdexcept>

namespace mollichrom::train {

FieldNetworkImpl::FieldNetworkImpl(const FieldNetworkOptions& o) : o_(o) {
  if (o.fields < 1 || o.frames < 1 || o.coordDims < 1 || o.coordDims > 3)
    throw std::invalid_argument("field network: bad shape");
  switch (o.arch) {
    case Arch::Cnn: {
      nets::GridCnnOptions c;
      c.channels = o.fields * o.frames;
      cnn_ = register_module("cnn", nets::GridCnn(c));
      break;
    }
    case Arch::FourierMlp: {
      nets::FourierMlpOptions f;
      f.inputs = o.coordDims;
      f.outputs = o.fields;
      fourier_ = register_module("fourier", nets::FourierMlp(f));
      break;
    }
    case Arch::Mlp: {
      nets::CoordinateMlpOptions m;
      m.inputs = o.coordDims;
      m.outputs = o.fields;
      m.width = 64;
      m.hidden = 4;
      mlp_ = register_module("mlp", nets::CoordinateMlp(m));
      break;
    }
  }
}

torch::Tensor FieldNetworkImpl::fromData(const torch::Tensor& data) {
  if (!cnn_) throw std::logic_error("fromData: not a grid network");
  const auto F = data.size(0), T = data.size(1), h = data.size(2), w = data.size(3);
  const auto x = ((data - o_.mean) / o_.spread).reshape({1, F * T, h, w});
  return data + cnn_->forward(x).reshape({F, T, h, w}) * o_.sigma;
}

torch::Tensor FieldNetworkImpl::atCoords(const torch::Tensor& coords) {
  if (cnn_) throw std::logic_error("atCoords: a grid network has no coordinates");
  std::vector<double> span(o_.span.begin(), o_.span.begin() + o_.coordDims);
  const auto s = torch::tensor(span, torch::kFloat64).to(coords.device(), coords.scalar_type());
  const auto scaled = coords / s * 2 - 1;
  return (fourier_ ? fourier_->forward(scaled) : mlp_->forward(scaled)) * o_.spread + o_.mean;
}

std::pair<torch::Tensor, torch::Tensor> FieldNetworkImpl::window(const torch::Tensor& data,
                                                                 const torch::Tensor& coords) {
  if (cnn_) {
    const auto u = fromData(data);
    return {u, ((u - data) / o_.sigma).pow(2).mean()};
  }
  const auto u = atCoords(coords).t().reshape(data.sizes());
  return {u, ((u - data) / o_.sigma).pow(2).mean()};
}

}  // namespace mollichrom::train
