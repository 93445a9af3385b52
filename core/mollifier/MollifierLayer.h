#pragma once
// MollifierLayer: every requested derivative of a gridded field in one batched convolution.
//
// Input: a field sampled on a regular grid patch that includes a halo of the kernel's
// half-width on each side — [N, C, W] (1-D), [N, C, H, W] (2-D) or [N, C, T, H, W] (2-D + time).
// Output: one tensor per requested operator, ∂^α(g∗η) = g∗∂^αη, on the "valid" region only
// (where the kernel fits inside the patch): each spatial/temporal size shrinks by 2·half-width.
// No padding is ever invented at the boundary; validMask() tells callers which input nodes
// received a value.
//
// Kernels are buffers, so .to(device/dtype) moves them; the layer is differentiable w.r.t. its
// input (it is linear), which is what lets a network train through it.
#include "core/mollifier/MollifierKernel.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mollichrom::mollifier {

// How the convolutions are evaluated. Both give the same numbers (to rounding); they differ in
// cost. Direct: LibTorch's convNd, whose CPU path unfolds its input (vol2col/im2col), so time
// and memory grow as taps × nodes — 1 445 taps for a 17×17×5 kernel. Fft: every field is
// transformed once and each operator is one product of spectra, so cost grows with the grid
// (nodes · log nodes) and not with the kernel. Auto: Fft from kFftMinTaps taps on.
enum class ConvAlgorithm { Auto, Direct, Fft };
std::string algorithmName(ConvAlgorithm a);
ConvAlgorithm parseAlgorithm(
    const std::string& name);  // auto | direct | fft; throws std::invalid_argument
// Measured with `mollichrom-cli bench derivatives` on this project's machine (README): below
// this many taps the unfolded convolution is faster than the transforms.
constexpr int64_t kFftMinTaps = 48;

struct MollifierLayerOptions {
  KernelSpec kernel;
  std::vector<std::string> operators{"value"};  // names accepted by parseOperator()
  ConvAlgorithm algorithm = ConvAlgorithm::Auto;
};

class MollifierLayerImpl : public torch::nn::Module {
 public:
  explicit MollifierLayerImpl(const MollifierLayerOptions& options);

  // Returns one tensor per operator, in options.operators order.
  std::vector<torch::Tensor> forward(const torch::Tensor& field);
  // The same, all operators in one tensor [N, C, K, ...valid] (no copy per operator).
  torch::Tensor forwardStacked(const torch::Tensor& field);

  // Index of an operator by name (throws std::out_of_range).
  size_t index(const std::string& op) const;
  const std::vector<LinearOperator>& operators() const { return ops_; }
  const MollifierKernel& kernel() const { return kernel_; }
  // Half-width per axis in tensor order (t, y, x) restricted to the kernel's dims.
  std::vector<int64_t> halo() const;
  // Boolean mask over the input's trailing dims: true where forward() produces a value.
  torch::Tensor validMask(torch::IntArrayRef gridShape) const;
  // The algorithm forward() uses (Auto resolved).
  ConvAlgorithm algorithm() const { return algorithm_; }
  int64_t taps() const;

 private:
  MollifierLayerOptions options_;
  MollifierKernel kernel_;
  std::vector<LinearOperator> ops_;
  torch::Tensor weight_;  // [K, 1, (kt,) (kh,) kw], flipped: conv is cross-correlation
  ConvAlgorithm algorithm_ = ConvAlgorithm::Direct;
};
TORCH_MODULE(MollifierLayer);

}  // namespace mollichrom::mollifier
