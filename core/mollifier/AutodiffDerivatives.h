#pragma once
// The recursive-autodiff baseline: the same linear operators as MollifierLayer, taken by
// nested torch::autograd::grad(create_graph=true) of a coordinate network's output with
// respect to its input coordinates. Intermediate partials are cached and reused, so ∇⁴ costs
// the fewest nested passes the chain rule allows (this is the fair baseline, not a strawman).
#include "core/mollifier/MultiIndex.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace mollichrom::mollifier {

class AutodiffDerivatives {
 public:
  // coords: [P, D] with requires_grad, columns x, y[, t]; field: [P] computed from coords.
  AutodiffDerivatives(torch::Tensor coords, torch::Tensor field);

  torch::Tensor partial(const MultiIndex& alpha);  // ∂^α field, [P]
  torch::Tensor apply(const LinearOperator& op);   // Σ c ∂^α field, [P]
  torch::Tensor apply(const std::string& opName) { return apply(parseOperator(opName)); }
  int gradCalls() const { return gradCalls_; }

 private:
  torch::Tensor coords_;
  std::map<MultiIndex, torch::Tensor> cache_;
  int gradCalls_ = 0;
};

}  // namespace mollichrom::mollifier
