#include "core/train/TensorConvert.h"

#include <cstring>

namespace mollichrom::train {

torch::Tensor matToTensor(const cv::Mat& m) {
  cv::Mat d;
  m.convertTo(d, CV_64F);
  if (!d.isContinuous()) d = d.clone();
  return torch::from_blob(d.data, {d.rows, d.cols}, torch::kFloat64).clone();
}

cv::Mat tensorToMat(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  cv::Mat m(static_cast<int>(c.size(0)), static_cast<int>(c.size(1)), CV_32F);
  std::memcpy(m.data, c.data_ptr<float>(), m.total() * sizeof(float));
  return m;
}

torch::Tensor fieldsTensor(const prep::FieldData& data) {
  std::vector<torch::Tensor> c, h;
  for (int t = 0; t < data.frames(); ++t) {
    c.push_back(matToTensor(data.density[t]));
    h.push_back(matToTensor(data.hetero[t]));
  }
  return torch::stack({torch::stack(c), torch::stack(h)});
}

}  // namespace mollichrom::train
