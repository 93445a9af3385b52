#pragma once
// cv::Mat ↔ torch::Tensor copies for 2-D single-channel images (CPU). OpenCV is the image type
// of I/O and preprocessing, LibTorch the one of the engine and the simulator.
#include <torch/torch.h>
#include <opencv2/core.hpp>

namespace mollichrom::util {

torch::Tensor matToTensor(const cv::Mat& m);  // [H, W] float64
cv::Mat tensorToMat(const torch::Tensor& t);  // [H, W] → CV_32F

}  // namespace mollichrom::util
