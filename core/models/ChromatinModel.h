#pragma once
// The heterochromatin reaction-diffusion model (see ChromatinParameters.h for the equations).
// Fields: 0 = density φ_c, 1 = heterochromatin φ_h.
#include "core/models/ChromatinParameters.h"
#include "core/models/PdeModel.h"

namespace mollichrom::models {

class ChromatinModel final : public PdeModel {
 public:
  explicit ChromatinModel(ChromatinParameters fixed = {}) : fixed_(fixed) {}
  std::string name() const override { return "chromatin"; }
  std::vector<std::string> fieldNames() const override { return {"density", "heterochromatin"}; }
  std::vector<std::string> operators(bool timeDependent) const override;
  std::vector<ScalarInfo> scalarInfo() const override;
  Affine residual(const FieldDerivatives& d, const Scalars& s, bool steady) const override;
  std::map<std::string, torch::Tensor> displayFields(const FieldDerivatives& d,
                                                     const Scalars& s) const override;

  // The residual's parts: R = a − M·L − 2Γ(λ·e − h), a = ∂tφ_d, L = ∇²μ_d, e = φ_e, h = φ_h.
  // The direct estimator solves for (M, Γ, Γλ) with these linearly.
  struct Terms {
    torch::Tensor a, L, e, h;
  };
  Terms terms(const FieldDerivatives& d, bool steady) const;
  const ChromatinParameters& fixed() const { return fixed_; }

 private:
  ChromatinParameters fixed_;  // ℓ and φ_max; M and Γ defaults
};

}  // namespace mollichrom::models
