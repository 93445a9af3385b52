#pragma once
// The run's calibration joined to its result: the scalars it reports and the fit verdict. The
// verdict fails loudly when the dynamics reject the values a run used (given, assumed or
// calibrated on another acquisition) or when even the best values leave most of the dynamics
// unexplained — thresholds measured on simulations with known truth (docs/calibration.md) —
// and it is at most "doubtful" while a camera stack's share is an assumption the data do not
// bound.
#include "core/train/ProfileFit.h"
#include "core/train/Trainer.h"

namespace mollichrom::train {

// Sets result.calibration, the inferred flags and M, Γ_ac as used, and folds the calibration's
// test into result.fit (and every nucleus's verdict).
void attachCalibration(InferenceResult& result, const RunCalibration& calibration);

}  // namespace mollichrom::train
