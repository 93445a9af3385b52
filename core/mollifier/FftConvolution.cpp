#include "core/mollifier/FftConvolution.h"

namespace mollichrom::mollifier {

int64_t fastFftLength(int64_t n) {
  for (int64_t m = std::max<int64_t>(1, n);; ++m) {
    int64_t r = m;
    for (int64_t p : {2, 3, 5, 7})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

namespace {

struct Plan {
  std::vector<int64_t> dims;  // the grid axes of x
  std::vector<int64_t> len;   // transform length per axis
};

// Transforms over the grid axes of a [B, C, ...grid] shape, long enough for its input.
Plan planFor(torch::IntArrayRef inputShape) {
  Plan p;
  for (int64_t d = 2; d < static_cast<int64_t>(inputShape.size()); ++d) {
    p.dims.push_back(d);
    p.len.push_back(fastFftLength(inputShape[static_cast<size_t>(d)]));
  }
  return p;
}

// Real fields → half spectra over the plan's axes (zero-padded at the far end to the length).
torch::Tensor spectrum(const torch::Tensor& t, const Plan& p) {
  return torch::fft::rfftn(t, p.len, p.dims);
}
torch::Tensor inverse(const torch::Tensor& s, const Plan& p) {
  return torch::fft::irfftn(s, p.len, p.dims);
}

torch::Tensor forwardValid(const torch::Tensor& x, const torch::Tensor& w) {
  const Plan p = planFor(x.sizes());
  // Cross-correlation with w is convolution with w flipped along every grid axis.
  const auto X = spectrum(x, p);               // [B, 1, ...]
  const auto E = spectrum(w.flip(p.dims), p);  // [K, 1, ...]
  const int64_t K = w.size(0);
  std::vector<int64_t> outShape{x.size(0), K};
  for (size_t i = 0; i < p.dims.size(); ++i)
    outShape.push_back(x.size(p.dims[i]) - w.size(p.dims[i]) + 1);
  auto out = torch::empty(outShape, x.options());
  // One operator at a time: the peak holds one extra spectrum, not K.
  for (int64_t k = 0; k < K; ++k) {
    torch::Tensor y = inverse(X * E.narrow(0, k, 1), p);  // [B, 1, ...len]
    for (size_t i = 0; i < p.dims.size(); ++i)
      y = y.narrow(p.dims[i], w.size(p.dims[i]) - 1, outShape[2 + i]);
    out.narrow(1, k, 1).copy_(y);
  }
  return out;
}

// Adjoint of forwardValid: gx = Σ_k g_k ∗ w_k (full convolution), of the input's size.
torch::Tensor adjointValid(const torch::Tensor& g, const torch::Tensor& w,
                           torch::IntArrayRef inputShape) {
  const Plan p = planFor(inputShape);
  const auto W = spectrum(w, p);  // unflipped: the adjoint of a correlation is a convolution
  torch::Tensor acc;
  for (int64_t k = 0; k < w.size(0); ++k) {
    const auto term = spectrum(g.narrow(1, k, 1), p) * W.narrow(0, k, 1);
    acc = acc.defined() ? acc + term : term;
  }
  torch::Tensor gx = inverse(acc, p);
  for (size_t i = 0; i < p.dims.size(); ++i)
    gx = gx.narrow(p.dims[i], 0, inputShape[static_cast<size_t>(p.dims[i])]);
  return gx.contiguous();
}

// Written out rather than left to autograd so backward stores nothing but the kernels (autograd
// would keep the input's spectrum) and costs one inverse transform instead of K.
struct FftCorrelate : public torch::autograd::Function<FftCorrelate> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& w) {
    ctx->save_for_backward({w});
    ctx->saved_data["shape"] = x.sizes().vec();
    return forwardValid(x, w);
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto w = ctx->get_saved_variables()[0];
    const auto shape = ctx->saved_data["shape"].toIntVector();
    return {adjointValid(grads[0], w, shape), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fftCorrelateValid(const torch::Tensor& x, const torch::Tensor& w) {
  return FftCorrelate::apply(x, w);
}

}  // namespace mollichrom::mollifier
