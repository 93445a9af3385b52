// A field network of one's own, trained with the mollifier layer's fourth derivatives.
//
// The network: a small coordinate MLP u(x, y) evaluated on the grid. The loss:
// fit the data (u ≈ g) and satisfy the biharmonic equation ∇⁴u = f, with ∇⁴u taken by the
// mollifier layer (∂ᵏ(u∗η) = u∗∂ᵏη, analytic kernel derivatives) instead of nested autograd.
// The truth u* = sin(kx)·sin(ky) has ∇⁴u* = 4k⁴·u*; the program reports how close the learnt
// field's ∇⁴ comes and exits 0 when it is within 10 % (relative L2 inside the valid region).
#include <core/mollifier/MollifierLayer.h>

#include <torch/torch.h>

#include <cmath>
#include <cstdio>

namespace mm = mollichrom::mollifier;

// The user's network: a coordinate MLP u(x, y), evaluated on the grid.
struct NetImpl : torch::nn::Module {
  torch::nn::Sequential body{nullptr};
  NetImpl() {
    body =
        register_module("body", torch::nn::Sequential(torch::nn::Linear(2, 64), torch::nn::Tanh(),
                                                      torch::nn::Linear(64, 64), torch::nn::Tanh(),
                                                      torch::nn::Linear(64, 1)));
  }
  torch::Tensor forward(const torch::Tensor& xy) { return body->forward(xy); }  // [P, 2] → [P, 1]
};
TORCH_MODULE(Net);

int main() {
  torch::manual_seed(1);
  const int n = 96;
  const double h = 0.05, k = 2.0;  // grid step and wave number (one period ≈ 63 px)
  auto x = torch::arange(n, torch::kFloat64) * h;
  auto grid = torch::meshgrid({x, x}, "ij");
  auto truth = (torch::sin(k * grid[1]) * torch::sin(k * grid[0])).to(torch::kFloat32);
  auto data = (truth + 0.02 * torch::randn_like(truth)).view({1, 1, n, n});
  const double k4 = 4 * std::pow(k, 4);

  mm::MollifierLayerOptions o;
  o.kernel.dims = 2;
  o.kernel.dx = o.kernel.dy = h;
  o.kernel.radius = 8 * h;  // 8 px half-width
  o.operators = {"value", "bilap"};
  mm::MollifierLayer layer(o);  // a torch::nn::Module: no parameters, kernels are buffers
  const int halo = static_cast<int>(layer->halo().back());

  Net net;
  const auto xy =
      torch::stack({grid[1].flatten(), grid[0].flatten()}, 1).to(torch::kFloat32) / (n * h) * 2 -
      1;  // [-1, 1]²
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(5e-3));
  const auto inner = [&](const torch::Tensor& t) {  // the valid region of the layer
    using torch::indexing::Slice;
    return t.index({0, 0, Slice(halo, n - halo), Slice(halo, n - halo)});
  };
  const auto bilapTruth = k4 * inner(truth.view({1, 1, n, n}));
  double rel = 1;
  for (int step = 1; step <= 1500; ++step) {
    adam.zero_grad();
    const auto u = net->forward(xy).view({1, 1, n, n});
    const auto d = layer->forward(u);  // [value, bilap] on the valid region
    const auto fit = (d[0] - inner(data)).pow(2).mean();
    const auto residual = (d[1] - k4 * d[0]).pow(2).mean() / (k4 * k4);
    const auto loss = fit + residual;
    loss.backward();
    adam.step();
    if (step % 300 == 0) {
      torch::NoGradGuard g;
      rel = ((d[1] - bilapTruth).norm() / bilapTruth.norm()).item<double>();
      std::printf("step %3d  loss %.3e  relative L2 of the field's bilaplacian %.3f\n", step,
                  loss.item<double>(), rel);
    }
  }
  std::printf("%s: the learnt field's 4th derivatives are within %.1f %% of the truth\n",
              rel < 0.1 ? "ok" : "FAILED", 100 * rel);
  return rel < 0.1 ? 0 : 1;
}
