#include "core/mollifier/MollifierLayer.h"

#include "core/mollifier/FftConvolution.h"

#include <stdexcept>

namespace mollichrom::mollifier {

std::string algorithmName(ConvAlgorithm a) {
  switch (a) {
    case ConvAlgorithm::Auto:
      return "auto";
    case ConvAlgorithm::Direct:
      return "direct";
    case ConvAlgorithm::Fft:
      return "fft";
  }
  return "auto";
}

ConvAlgorithm parseAlgorithm(const std::string& name) {
  for (auto a : {ConvAlgorithm::Auto, ConvAlgorithm::Direct, ConvAlgorithm::Fft})
    if (algorithmName(a) == name) return a;
  throw std::invalid_argument("unknown convolution algorithm '" + name + "' (auto, direct, fft)");
}

namespace {

torch::Tensor convN(const torch::Tensor& x, const torch::Tensor& w, int64_t pad) {
  switch (x.dim()) {
    case 3:
      return torch::conv1d(x, w, {}, 1, pad);
    case 4:
      return torch::conv2d(x, w, {}, 1, pad);
    default:
      return torch::conv3d(x, w, {}, 1, pad);
  }
}

// The layer is a fixed linear map, so its input gradient is the adjoint convolution: a
// "full" convolution of the incoming gradient with the kernels flipped and their in/out
// channels swapped. Written out because LibTorch's generic CPU conv backward (im2col) is ~6x
// slower than this forward convolution for single-channel fields, and this step is on every
// training iteration. Expressed with differentiable ops, so double backward still works.
struct MollifyFunction : public torch::autograd::Function<MollifyFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& w) {
    ctx->save_for_backward({w});
    return convN(x, w, 0);
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto w = ctx->get_saved_variables()[0];
    std::vector<int64_t> spatial;
    for (int64_t d = 2; d < w.dim(); ++d) spatial.push_back(d);
    // Each axis is padded by its own kernel size − 1 (kernels are anisotropic in general).
    auto adj = w.flip(spatial).transpose(0, 1).contiguous();
    torch::Tensor g = grads[0];
    std::vector<int64_t> padSpec;  // torch::constant_pad_nd order: last axis first
    for (int64_t d = w.dim() - 1; d >= 2; --d) {
      padSpec.push_back(w.size(d) - 1);
      padSpec.push_back(w.size(d) - 1);
    }
    g = torch::constant_pad_nd(g, padSpec, 0);
    return {convN(g, adj, 0), torch::Tensor()};
  }
};

}  // namespace

MollifierLayerImpl::MollifierLayerImpl(const MollifierLayerOptions& options)
    : options_(options), kernel_(options.kernel) {
  if (options.operators.empty()) throw std::invalid_argument("MollifierLayer needs >= 1 operator");
  const int dims = options.kernel.dims;
  const auto s = kernel_.shape();  // x, y, t
  std::vector<int64_t> kshape;     // tensor order: t, y, x
  if (dims == 3) kshape.push_back(s[2]);
  if (dims >= 2) kshape.push_back(s[1]);
  kshape.push_back(s[0]);
  const int64_t taps = s[0] * s[1] * s[2];

  auto w = torch::empty({static_cast<int64_t>(options.operators.size()), taps}, torch::kFloat64);
  auto acc = w.accessor<double, 2>();
  for (size_t k = 0; k < options.operators.size(); ++k) {
    ops_.push_back(parseOperator(options.operators[k]));
    for (const auto& [alpha, c] : ops_.back().terms)
      if ((dims < 3 && alpha.t) || (dims < 2 && alpha.y))
        throw std::invalid_argument("operator '" + ops_.back().name +
                                    "' differentiates along an axis this " + std::to_string(dims) +
                                    "-D kernel does not have");
    const auto samples = kernel_.sample(ops_.back());
    // Cross-correlation weight w(k) = η(−k)·h^d turns torch's conv into the convolution
    // Σ_y g(x−y) ∂^αη(y) h^d. Samples are stored [t][y][x], so reversing the flat array
    // reverses every axis at once.
    const double cell = kernel_.cellVolume();
    for (int64_t i = 0; i < taps; ++i)
      acc[static_cast<int64_t>(k)][i] = samples[static_cast<size_t>(taps - 1 - i)] * cell;
  }
  std::vector<int64_t> wshape{static_cast<int64_t>(options.operators.size()), 1};
  wshape.insert(wshape.end(), kshape.begin(), kshape.end());
  // Kept in float64; forward() casts to the input dtype (a few hundred taps, negligible).
  weight_ = register_buffer("weight", w.reshape(wshape));
  algorithm_ = options.algorithm;
  if (algorithm_ == ConvAlgorithm::Auto)
    algorithm_ = taps >= kFftMinTaps ? ConvAlgorithm::Fft : ConvAlgorithm::Direct;
}

int64_t MollifierLayerImpl::taps() const {
  const auto s = kernel_.shape();
  return int64_t(s[0]) * s[1] * s[2];
}

std::vector<int64_t> MollifierLayerImpl::halo() const {
  const auto h = kernel_.halfWidth();
  if (options_.kernel.dims == 3) return {h[2], h[1], h[0]};
  if (options_.kernel.dims == 2) return {h[1], h[0]};
  return {h[0]};
}

size_t MollifierLayerImpl::index(const std::string& op) const {
  for (size_t i = 0; i < ops_.size(); ++i)
    if (ops_[i].name == op) return i;
  throw std::out_of_range("MollifierLayer has no operator '" + op + "'");
}

torch::Tensor MollifierLayerImpl::forwardStacked(const torch::Tensor& field) {
  const int dims = options_.kernel.dims;
  if (field.dim() != dims + 2)
    throw std::invalid_argument("MollifierLayer expects a " + std::to_string(dims + 2) +
                                "-D tensor [N, C, ...grid], got " + std::to_string(field.dim()) +
                                "-D");
  const auto halo = this->halo();
  for (int i = 0; i < dims; ++i)
    if (field.size(2 + i) < 2 * halo[static_cast<size_t>(i)] + 1)
      throw std::invalid_argument("grid patch too small for the kernel: axis " + std::to_string(i) +
                                  " has " + std::to_string(field.size(2 + i)) +
                                  " nodes, the kernel needs " +
                                  std::to_string(2 * halo[static_cast<size_t>(i)] + 1));
  const int64_t n = field.size(0), c = field.size(1);
  auto sizes = field.sizes().vec();
  std::vector<int64_t> flat{n * c, 1};
  flat.insert(flat.end(), sizes.begin() + 2, sizes.end());
  const auto x = field.reshape(flat);
  const auto w = weight_.to(field.device(), field.scalar_type());
  const torch::Tensor y = algorithm_ == ConvAlgorithm::Fft
                              ? fftCorrelateValid(x, w)
                              : MollifyFunction::apply(x, w);  // [N*C, K, ...valid]
  std::vector<int64_t> outShape{n, c, static_cast<int64_t>(ops_.size())};
  for (int i = 0; i < dims; ++i) outShape.push_back(y.size(2 + i));
  return y.reshape(outShape);
}

std::vector<torch::Tensor> MollifierLayerImpl::forward(const torch::Tensor& field) {
  const torch::Tensor y = forwardStacked(field);
  std::vector<torch::Tensor> out;
  out.reserve(ops_.size());
  for (int64_t k = 0; k < static_cast<int64_t>(ops_.size()); ++k) out.push_back(y.select(2, k));
  return out;
}

torch::Tensor MollifierLayerImpl::validMask(torch::IntArrayRef gridShape) const {
  const auto halo = this->halo();
  if (gridShape.size() != halo.size())
    throw std::invalid_argument("validMask: grid rank does not match the kernel's dims");
  auto mask = torch::zeros(gridShape, torch::kBool);
  auto view = mask;
  for (size_t i = 0; i < halo.size(); ++i)
    view = view.narrow(static_cast<int64_t>(i), halo[i], gridShape[i] - 2 * halo[i]);
  view.fill_(true);
  return mask;
}

}  // namespace mollichrom::mollifier
