#pragma once
// "Valid" cross-correlation of many fields with a bank of small kernels through the FFT: the
// MollifierLayer's fast path. Cost and memory grow with the grid (nodes · log nodes per
// transform; one transform per field, one per operator) and not with the kernel's taps, which
// is what makes 4th-order derivatives of a 512² × 30 time-lapse affordable on a CPU.
//
// Exactness: a circular convolution over L ≥ n nodes equals the linear one on every node whose
// kernel footprint lies inside the input — exactly the valid region — so no padding of the data
// is ever invented; the only difference to the direct convolution is rounding.
#include <torch/torch.h>

#include <vector>

namespace mollichrom::mollifier {

// x: [B, 1, ...grid] (1 to 3 grid axes); w: [K, 1, ...taps] cross-correlation weights (as for
// torch::convNd). Returns [B, K, ...grid − taps + 1], differentiable in x with a hand-written
// adjoint (the full convolution of the incoming gradient, again through the FFT).
torch::Tensor fftCorrelateValid(const torch::Tensor& x, const torch::Tensor& w);

// The smallest n' ≥ n whose only prime factors are 2, 3, 5 and 7 (fast transform lengths).
int64_t fastFftLength(int64_t n);

}  // namespace mollichrom::mollifier
