#pragma once
// Mollified derivatives of gridded fields [F, T, H, W] for a PdeModel, through one
// MollifierLayer call: 3-D kernel (t, y, x) in time-dependent mode, 2-D per frame in steady mode,
// 1-D along W for a model on a series (Langevin's time axis).
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
  // A model on a 1-D series: its axis is W (T = H = 1), spacing `spacing`, a 1-D kernel of
  // `halfWidth` nodes on each side. Fields [F, 1, 1, N] → [F', K, 1, 1, N − 2·halfWidth].
  static FieldDerivativeEngine series(const models::PdeModel& model, int halfWidth, double spacing,
                                      mollifier::KernelFamily family);
  int haloXY() const { return haloXY_; }
  int haloT() const { return haloT_; }
  bool timeDependent() const { return timeDependent_; }
  const mollifier::MollifierLayer& layer() const { return layer_; }

 private:
  FieldDerivativeEngine() = default;
  const models::PdeModel* model_ = nullptr;
  std::vector<std::string> ops_;
  mutable mollifier::MollifierLayer layer_{nullptr};  // forward() is non-const in LibTorch style
  bool timeDependent_ = false, series_ = false;
  int haloXY_ = 0, haloT_ = 0;
};

}  // namespace mollichrom::train
