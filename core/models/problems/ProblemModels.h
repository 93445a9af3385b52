#pragma once
// The benchmark suite's three PDE models behind PdeModel, each with one field "u"
// and no free scalars; their simulators are in core/sim/problems. Residuals are affine in the
// unknown parameter p (the PdeModel's λ):
//   LangevinModel      R = ∂ₓm + p·m                on a 1-D series (x is time; p = k(t))
//   HeatModel          R = u_t − p∇²u − ∇p·∇u       (p = k(x): the gradient terms Bx, By)
//   CahnHilliardModel  R = u_t − ∇²(u³ − u − ε²∇²u) + p·(u − ū)   (p = r(x); u³ is mollified
//                      as a field of its own, see PdeModel::derivedFields)
#include "core/models/PdeModel.h"

namespace mollichrom::models {

class LangevinModel final : public PdeModel {
 public:
  std::string name() const override { return "langevin"; }
  std::vector<std::string> fieldNames() const override { return {"m"}; }
  std::vector<std::string> operators(bool) const override { return {"value", "x"}; }
  std::vector<ScalarInfo> scalarInfo() const override { return {}; }
  Affine residual(const FieldDerivatives& d, const Scalars& s, bool steady) const override;
  std::map<std::string, torch::Tensor> displayFields(const FieldDerivatives& d,
                                                     const Scalars& s) const override;
};

class HeatModel final : public PdeModel {
 public:
  std::string name() const override { return "heat"; }
  std::vector<std::string> fieldNames() const override { return {"u"}; }
  std::vector<std::string> operators(bool timeDependent) const override;
  std::vector<ScalarInfo> scalarInfo() const override { return {}; }
  Affine residual(const FieldDerivatives& d, const Scalars& s, bool steady) const override;
  std::map<std::string, torch::Tensor> displayFields(const FieldDerivatives& d,
                                                     const Scalars& s) const override;
};

class CahnHilliardModel final : public PdeModel {
 public:
  CahnHilliardModel(double epsilon, double mean) : epsilon_(epsilon), mean_(mean) {}
  std::string name() const override { return "rd4"; }
  std::vector<std::string> fieldNames() const override { return {"u", "u_cubed"}; }
  torch::Tensor derivedFields(const torch::Tensor& observed) const override;
  std::vector<std::string> operators(bool timeDependent) const override;
  std::vector<ScalarInfo> scalarInfo() const override { return {}; }
  Affine residual(const FieldDerivatives& d, const Scalars& s, bool steady) const override;
  std::map<std::string, torch::Tensor> displayFields(const FieldDerivatives& d,
                                                     const Scalars& s) const override;

 private:
  double epsilon_, mean_;
};

}  // namespace mollichrom::models
