#pragma once
// Gaussian noise that is a pure function of (seed, field, frame, y, x): a tile and the whole
// image see the same value at the same pixel, so a noise-based computation (the estimator's
// SIMEX correction) gives the same answer tiled or not, and repeats exactly.
#include <torch/torch.h>
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>

namespace mollichrom::train {

// Adds σ·N(0,1) to a window [F, T, h, w] (float32 or float64, CPU, contiguous) cut from the
// image at `source`, whose full size is imageHeight × imageWidth.
void addHashedNoise(torch::Tensor& window, const cv::Rect& source, int imageHeight, int imageWidth,
                    std::uint64_t seed, double sigma);
// The same with σ per field (window.size(0) == 2: φ_c, φ_h).
void addHashedNoise(torch::Tensor& window, const cv::Rect& source, int imageHeight, int imageWidth,
                    std::uint64_t seed, const std::array<double, 2>& sigma);

}  // namespace mollichrom::train
