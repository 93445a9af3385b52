#pragma once
// How much λ depends on the counts calibration's assumed heterochromatin share:
// λ recomputed with φ_h scaled by 0.9 and 1.1 (the share −10 % / +10 %), everything else as in
// the run. On counts the share is an assumption the PDE residual barely tests (flat to a few %
// over ±20 % at 3 % noise), so the report says how far λ moves with it.
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"
#include "core/train/MollifierSettings.h"

namespace mollichrom::train {

struct ShareSensitivity {
  bool computed = false;
  // [0]: share −10 %, [1]: share +10 %. The median of λ over the nuclei relative to the run's
  // (e.g. −0.12: 12 % lower), and the Pearson r of the two maps (the pattern's stability).
  double medianChange[2] = {0, 0};
  double pearson[2] = {0, 0};
};

// `lambda`: the run's map; M, Γ_ac as it used them; `halfWidthXY` its space kernel.
ShareSensitivity shareSensitivity(const prep::FieldData& data, const cv::Mat& lambda,
                                  const models::ParameterChoice& params, double M, double gammaAc,
                                  const MollifierSettings& settings, int halfWidthXY);

}  // namespace mollichrom::train
