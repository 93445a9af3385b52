#pragma once
// A coordinate network u(x, y[, t]) → field(s): the plain tanh MLP of physics-informed
// networks. Used by both derivative engines so they can be compared like for like.
#include <torch/torch.h>

namespace mollichrom::nets {

struct CoordinateMlpOptions {
  int inputs = 2;   // coordinates per point
  int outputs = 1;  // fields
  int width = 64;
  int hidden = 3;  // hidden layers
};

class CoordinateMlpImpl : public torch::nn::Module {
 public:
  explicit CoordinateMlpImpl(const CoordinateMlpOptions& options);
  // coords: [P, inputs] → [P, outputs]
  torch::Tensor forward(torch::Tensor coords);

 private:
  torch::nn::ModuleList layers_;
};
TORCH_MODULE(CoordinateMlp);

}  // namespace mollichrom::nets
