#pragma once
// Mollified derivatives of gridded fields [F, T, H, W] for a PdeModel, through one
// MollifierLayer call: 3-D kernel (t, y, x) in time-dependent mode, 2-D per frame in steady mode.
#include "core/models/PdeModel.h"
#include "core/mollifier/MollifierLayer.h"
#include "core/train/MollifierSettings.h"

#include <torch/torch.h>

namespace mollichrom::train {

class FieldDerivativeEngine {
 public:
  FieldDerivativeEngine(const models::PdeModel& model, const MollifierSettings& settings, double dx,
                        double dy, double dt, bool timeDependent);
  // fields: the observed [F, T, H, W] → derivatives of the model's derived fields
  // (PdeModel::derivedFields) on the valid region [F', K, T', H', W']. The model must outlive
  // the engine.
  models::FieldDerivatives operator()(const torch::Tensor& fields) const;
  int haloXY() const { return haloXY_; }
  int haloT() const { return haloT_; }
  bool timeDependent() const { return timeDependent_; }
  const mollifier::MollifierLayer& layer() const { return layer_; }

 private:
  const models::PdeModel* model_;
  std::vector<std::string> ops_;
  mutable mollifier::MollifierLayer layer_{nullptr};  // forward() is non-const in LibTorch style
  bool timeDependent_;
  int haloXY_ = 0, haloT_ = 0;
};

}  // namespace mollichrom::train
