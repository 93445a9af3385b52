#pragma once
// The field model of a fit, whichever of the three architectures (the paper compares
// mollifier layers across networks), so the chromatin trainer and the benchmark problems' fits
// build and evaluate it the same way:
//   cnn          u = data + σ·CNN((data − mean)/spread) on the grid window (a correction that
//                starts at zero: training starts exactly at the data);
//   mlp          u = mean + spread·MLP(x̂), the tanh MLP of physics-informed networks;
//   fourier-mlp  u = mean + spread·FourierMLP(x̂), random Fourier features first;
// x̂ the physical coordinates scaled to [−1, 1] over the domain, inside the graph, so autodiff
// derivatives of a coordinate network come out in physical units.
// Internal to core/train (LibTorch stays behind Trainer.h).
#include "core/nets/CoordinateMlp.h"
#include "core/nets/GridCnn.h"
#include "core/train/EngineKind.h"

#include <torch/torch.h>

#include <array>

namespace mollichrom::train {

struct FieldNetworkOptions {
  Arch arch = Arch::Cnn;
  int fields = 2;     // fields the network gives
  int frames = 1;     // time points of the grid (the CNN takes fields × frames channels)
  int coordDims = 3;  // coordinate networks: x[, y, t] — 1 for a series, 3 for space-time
  std::array<double, 3> span{1, 1, 1};  // physical extent of each coordinate (x, y, t)
  double mean = 0, spread = 1;          // of the data: the output scale of coordinate networks
  double sigma = 1;                     // the data's noise: the CNN's correction scale
};

class FieldNetworkImpl : public torch::nn::Module {
 public:
  explicit FieldNetworkImpl(const FieldNetworkOptions& options);

  // A grid network (the CNN) maps data to fields; the others map coordinates to fields.
  bool onGrid() const { return cnn_ ? true : false; }
  // How many pixels around its window the CNN reads for one output pixel (0 for coordinate
  // networks).
  int margin() const { return cnn_ ? cnn_->receptiveHalfWidth() : 0; }

  // Grid: the fields of a window from its data [F, T, h, w] → [F, T, h, w].
  torch::Tensor fromData(const torch::Tensor& data);
  // Coordinates: the fields at physical coordinates [P, coordDims] → [P, F]; differentiable
  // with respect to the coordinates.
  torch::Tensor atCoords(const torch::Tensor& coords);
  // The fields on a window [F, T, h, w] and its data loss mean(((u − data)/σ)²), whichever the
  // architecture: coordinates of the window's nodes come from `coords` ([P, coordDims], nodes in
  // [t][y][x] order) for coordinate networks.
  std::pair<torch::Tensor, torch::Tensor> window(const torch::Tensor& data,
                                                 const torch::Tensor& coords);

  const FieldNetworkOptions& options() const { return o_; }

 private:
  FieldNetworkOptions o_;
  nets::GridCnn cnn_{nullptr};
  nets::FourierMlp fourier_{nullptr};
  nets::CoordinateMlp mlp_{nullptr};
};
TORCH_MODULE(FieldNetwork);

}  // namespace mollichrom::train
