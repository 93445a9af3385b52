#pragma once
// A convolutional field network on the image grid: frames × fields as channels in, a
// correction to the same channels out (u = data + σ·CNN(data)). The last layer starts at zero,
// so training starts exactly at the data (and at the direct estimate). Replicate padding keeps
// the output size; the network's receptive field is 2·depth + 1 pixels.
#include <torch/torch.h>

namespace mollichrom::nets {

struct GridCnnOptions {
  int channels = 42;  // 2 fields × T frames
  int width = 32;
  int depth = 4;  // conv layers
};

class GridCnnImpl : public torch::nn::Module {
 public:
  explicit GridCnnImpl(const GridCnnOptions& options);
  torch::Tensor forward(torch::Tensor x);  // [N, C, H, W] → [N, C, H, W]
  int receptiveHalfWidth() const { return static_cast<int>(convs_->size()); }

 private:
  torch::nn::ModuleList convs_;
};
TORCH_MODULE(GridCnn);

// A coordinate network with random Fourier features (Tancik et al. 2020): (x, y, t) scaled to
// [-1, 1] → [sin(2πBx), cos(2πBx), x] → SiLU MLP → fields. B ~ N(0, σ²) is a fixed buffer.
struct FourierMlpOptions {
  int inputs = 3, outputs = 2;
  int features = 64;   // Fourier frequencies (2× as many features)
  double sigma = 6.0;  // frequency scale, cycles per unit (the domain spans 2 units)
  int width = 128, hidden = 3;
};

class FourierMlpImpl : public torch::nn::Module {
 public:
  explicit FourierMlpImpl(const FourierMlpOptions& options);
  torch::Tensor forward(torch::Tensor coords);  // [P, inputs] → [P, outputs]

 private:
  torch::Tensor B_;
  torch::nn::ModuleList layers_;
};
TORCH_MODULE(FourierMlp);

}  // namespace mollichrom::nets
