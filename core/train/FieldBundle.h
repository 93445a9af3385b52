#pragma once
// The prepared fields as the engines read them, built once per run and shared by the direct
// estimator, the trainer and their tiles: one float32 tensor [2, T, H, W] (φ_c, φ_h), the
// nucleus mask, the calibration and the noise level. Before it existed the estimator and the
// trainer each converted the OpenCV planes (in float64 and twice in float32) and each
// re-estimated the noise: three full copies of a 512² × 30 time-lapse instead of one.
#include "core/prep/FieldData.h"

#include <torch/torch.h>
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>

namespace mollichrom::train {

struct FieldBundle {
  torch::Tensor fields;  // [2, T, H, W] float32, CPU, contiguous
  cv::Mat mask;          // CV_8U, 255 = nucleus
  double dx = 1, dy = 1, dt = 1;
  double noiseSigma = 0;  // the data's σ (given by FieldData, else estimated once here)
  std::array<double, 2> fieldNoise{0, 0};  // σ of φ_c and of φ_h (synthetic noise per channel)
  int frames = 0, height = 0, width = 0;

  static FieldBundle from(const prep::FieldData& data);
  // The fields on a rectangle of the image, all frames: [2, T, r.height, r.width] in `dtype`.
  torch::Tensor window(const cv::Rect& r, torch::ScalarType dtype = torch::kFloat32) const;
  // The same with hashed Gaussian noise of each channel's σ (fieldNoise) added to the measured
  // part before the mirror (HashedNoise: a function of the pixel, so tiles agree and a mirrored
  // pixel carries its source's noise, as the data do).
  torch::Tensor noisyWindow(const cv::Rect& r, torch::ScalarType dtype,
                            std::uint64_t noiseSeed) const;
};

// Robust noise level of the fields (median absolute deviation of temporal second differences,
// or of a Laplacian for a single snapshot): the σ of the data term and of the SIMEX correction.
double estimateNoiseLevel(const prep::FieldData& data);
// The same per channel (φ_c, φ_h).
std::array<double, 2> estimateNoiseLevels(const prep::FieldData& data);

}  // namespace mollichrom::train
