#include "core/train/AutodiffFields.h"

#include "core/mollifier/AutodiffDerivatives.h"

namespace mollichrom::train {

models::FieldDerivatives autodiffDerivatives(const models::PdeModel& model,
                                             const std::vector<std::string>& ops,
                                             const torch::Tensor& coords,
                                             const torch::Tensor& fields) {
  // [P, F] → [F, P, 1, 1], the layout derivedFields expects ([F, T, H, W]).
  const auto derived = model.derivedFields(fields.t().unsqueeze(2).unsqueeze(3));
  std::vector<torch::Tensor> per;
  for (int64_t f = 0; f < derived.size(0); ++f) {
    mollifier::AutodiffDerivatives ad(coords, derived[f].reshape({-1}));
    std::vector<torch::Tensor> k;
    for (const auto& op : ops) k.push_back(ad.apply(op).reshape({-1, 1, 1}));
    per.push_back(torch::stack(k));
  }
  return {ops, torch::stack(per)};
}

}  // namespace mollichrom::train
