#pragma once
// A PDE model seen by the inference engines: which fields it reads, which derivatives of them
// it needs, which scalar parameters it has, and its residual. The residual is affine in the
// unknown rate map λ(x) — R = A + B·λ — which is what the direct estimator solves and what the
// trainer penalises. Add a model by implementing this interface.
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace mollichrom::models {

// Mollified fields and their derivatives on the valid region: data[f][k] is operator k of field f.
struct FieldDerivatives {
  std::vector<std::string> ops;
  torch::Tensor data;  // [F, K, T, H, W]
  torch::Tensor get(int field, const std::string& op) const;
};

struct ScalarInfo {
  std::string name, unit, description;
};

using Scalars = std::map<std::string, torch::Tensor>;  // 0-d tensors, differentiable when free

class PdeModel {
 public:
  virtual ~PdeModel() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> fieldNames() const = 0;
  // Derivative operators (parseOperator names) needed for every field.
  virtual std::vector<std::string> operators(bool timeDependent) const = 0;
  virtual std::vector<ScalarInfo> scalarInfo() const = 0;
  struct Affine {
    torch::Tensor A, B;  // residual R = A + B·λ (+ the gradient terms below), each [T, H, W]
    // A conductivity-like unknown enters through its gradient too (∇·(k∇u) = k∇²u + ∇k·∇u):
    // R += Bx·∂λ/∂x + By·∂λ/∂y. Undefined (the default) when the model has no such term.
    torch::Tensor Bx, By;
  };
  // steady: ∂/∂t terms are dropped (single-snapshot mode).
  virtual Affine residual(const FieldDerivatives& d, const Scalars& s, bool steady) const = 0;
  // The fields whose derivatives the residual reads, from the observed ones [F, T, H, W]. A
  // nonlinear term under a derivative (∇²(u³)) is mollified as a field of its own: smoothing
  // does not commute with u³, and at sharp interfaces the chain rule on the smoothed u missed
  // the equation by 70 %. FieldDerivativeEngine applies it. Default: the observed
  // fields themselves.
  virtual torch::Tensor derivedFields(const torch::Tensor& observed) const { return observed; }
  // Named fields for display (e.g. "phi_h", "mu_d", "lap_phi_d"), each [T, H, W].
  virtual std::map<std::string, torch::Tensor> displayFields(const FieldDerivatives& d,
                                                             const Scalars& s) const = 0;
};

}  // namespace mollichrom::models
