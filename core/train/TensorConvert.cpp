#include "core/train/TensorConvert.h"

namespace mollichrom::train {

torch::Tensor fieldsTensor(const prep::FieldData& data) {
  std::vector<torch::Tensor> c, h;
  for (int t = 0; t < data.frames(); ++t) {
    c.push_back(matToTensor(data.density[t]));
    h.push_back(matToTensor(data.hetero[t]));
  }
  return torch::stack({torch::stack(c), torch::stack(h)});
}

}  // namespace mollichrom::train
