#include "core/util/MatTensor.h"

#include <cstring>

namespace mollichrom::util {

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

}  // namespace mollichrom::util
