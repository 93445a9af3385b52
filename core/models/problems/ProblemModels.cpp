#include "core/models/problems/ProblemModels.h"

namespace mollichrom::models {

PdeModel::Affine LangevinModel::residual(const FieldDerivatives& d, const Scalars&, bool) const {
  return {d.get(0, "x"), d.get(0, "value"), {}, {}};
}

std::map<std::string, torch::Tensor> LangevinModel::displayFields(const FieldDerivatives& d,
                                                                  const Scalars&) const {
  return {{"m", d.get(0, "value")}, {"dm_dt", d.get(0, "x")}};
}

std::vector<std::string> HeatModel::operators(bool timeDependent) const {
  std::vector<std::string> ops{"value", "x", "y", "lap"};
  if (timeDependent) ops.push_back("t");
  return ops;
}

PdeModel::Affine HeatModel::residual(const FieldDerivatives& d, const Scalars&, bool steady) const {
  const auto ut = steady ? torch::zeros_like(d.get(0, "value")) : d.get(0, "t");
  return {ut, -d.get(0, "lap"), -d.get(0, "x"), -d.get(0, "y")};
}

std::map<std::string, torch::Tensor> HeatModel::displayFields(const FieldDerivatives& d,
                                                              const Scalars&) const {
  return {{"u", d.get(0, "value")}, {"lap_u", d.get(0, "lap")}};
}

std::vector<std::string> CahnHilliardModel::operators(bool timeDependent) const {
  std::vector<std::string> ops{"value", "lap", "bilap"};
  if (timeDependent) ops.push_back("t");
  return ops;
}

torch::Tensor CahnHilliardModel::derivedFields(const torch::Tensor& observed) const {
  const auto u = observed.select(0, 0);
  return torch::stack({u, u * u * u});
}

PdeModel::Affine CahnHilliardModel::residual(const FieldDerivatives& d, const Scalars&,
                                             bool steady) const {
  const auto u = d.get(0, "value");
  const auto chemical = d.get(1, "lap") - d.get(0, "lap") - epsilon_ * epsilon_ * d.get(0, "bilap");
  const auto ut = steady ? torch::zeros_like(u) : d.get(0, "t");
  return {ut - chemical, u - mean_, {}, {}};
}

std::map<std::string, torch::Tensor> CahnHilliardModel::displayFields(const FieldDerivatives& d,
                                                                      const Scalars&) const {
  return {{"u", d.get(0, "value")}, {"bilap_u", d.get(0, "bilap")}};
}

}  // namespace mollichrom::models
