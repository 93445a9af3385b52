#pragma once
// cv::Mat ↔ torch::Tensor for the engine (copies; float64 tensors on the CPU).
#include "core/prep/FieldData.h"

#include <opencv2/core.hpp>
#include <torch/torch.h>

namespace mollichrom::train {

torch::Tensor matToTensor(const cv::Mat& m);              // [H, W] float64
cv::Mat tensorToMat(const torch::Tensor& t);              // [H, W] → CV_32F
torch::Tensor fieldsTensor(const prep::FieldData& data);  // [2, T, H, W] float64: φ_c, φ_h

}  // namespace mollichrom::train
