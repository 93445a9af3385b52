#pragma once
// cv::Mat ↔ tensor copies under the train namespace (the fields themselves: FieldBundle.h).
#include "core/util/MatTensor.h"

namespace mollichrom::train {

using util::matToTensor;
using util::tensorToMat;

}  // namespace mollichrom::train
