#pragma once
// Prepared fields as one tensor for the engine (copies; float64 tensors on the CPU).
#include "core/prep/FieldData.h"
#include "core/util/MatTensor.h"

#include <opencv2/core.hpp>
#include <torch/torch.h>

namespace mollichrom::train {

using util::matToTensor;
using util::tensorToMat;
torch::Tensor fieldsTensor(const prep::FieldData& data);  // [2, T, H, W] float64: φ_c, φ_h

}  // namespace mollichrom::train
