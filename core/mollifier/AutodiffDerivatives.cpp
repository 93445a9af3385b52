#include "core/mollifier/AutodiffDerivatives.h"

#include <stdexcept>

namespace mollichrom::mollifier {

AutodiffDerivatives::AutodiffDerivatives(torch::Tensor coords, torch::Tensor field)
    : coords_(std::move(coords)) {
  if (!coords_.requires_grad())
    throw std::invalid_argument("AutodiffDerivatives: coordinates must require grad");
  cache_[MultiIndex{}] = field.reshape({-1});
}

torch::Tensor AutodiffDerivatives::partial(const MultiIndex& alpha) {
  if (auto it = cache_.find(alpha); it != cache_.end()) return it->second;
  if (alpha[2] > 0 && coords_.size(1) < 3)
    throw std::invalid_argument("time derivative requested of a 2-D coordinate network");
  // Parent: lower one axis by one (prefer t, then y, then x so shared prefixes reuse the cache).
  MultiIndex parent = alpha;
  int axis = alpha.t > 0 ? 2 : alpha.y > 0 ? 1 : 0;
  if (axis == 2)
    --parent.t;
  else if (axis == 1)
    --parent.y;
  else
    --parent.x;
  const torch::Tensor base = partial(parent);
  ++gradCalls_;
  // One grad call yields the derivative along every coordinate: cache them all.
  auto g = torch::autograd::grad({base}, {coords_}, {torch::ones_like(base)},
                                 /*retain_graph=*/true, /*create_graph=*/true,
                                 /*allow_unused=*/false)[0];
  for (int64_t d = 0; d < coords_.size(1); ++d) {
    MultiIndex child = parent;
    if (d == 0)
      ++child.x;
    else if (d == 1)
      ++child.y;
    else
      ++child.t;
    cache_.emplace(child, g.select(1, d));
  }
  return cache_.at(alpha);
}

torch::Tensor AutodiffDerivatives::apply(const LinearOperator& op) {
  torch::Tensor out;
  for (const auto& [alpha, c] : op.terms) {
    auto term = partial(alpha) * c;
    out = out.defined() ? out + term : term;
  }
  return out;
}

}  // namespace mollichrom::mollifier
