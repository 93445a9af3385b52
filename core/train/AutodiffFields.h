#pragma once
// The autodiff baseline's derivatives of a coordinate network's fields for a PdeModel: the
// model's derived fields (PdeModel::derivedFields, e.g. u³) formed at the points, then every
// operator the model needs by nested autograd with respect to the coordinates. Shared by the
// chromatin trainer and the benchmark problems' fits so both compare like for like.
// Internal to core/train.
#include "core/models/PdeModel.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mollichrom::train {

// coords: [P, D] (requires grad; columns x[, y, t]); fields: [P, F] computed from coords.
// Returns derivatives shaped [F', K, P, 1, 1] (the residual then reads [P, 1, 1] per term).
models::FieldDerivatives autodiffDerivatives(const models::PdeModel& model,
                                             const std::vector<std::string>& ops,
                                             const torch::Tensor& coords,
                                             const torch::Tensor& fields);

}  // namespace mollichrom::train
