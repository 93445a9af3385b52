#pragma once
// What test_trust and test_validation both need of a simulated case: the parameters as given
// (M and Γ_ac fixed at the truth's defaults) and the independent check's scoring region.
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"
#include "core/sim/ChromatinSimulator.h"

namespace mollichrom::test {

// M and Γ_ac fixed (the simulations use the defaults), so λ alone is estimated.
inline models::ParameterChoice given() {
  models::ParameterChoice p;
  p.fixM = p.fixGamma = true;
  return p;
}

// The independent check's scoring: clean density > 0.35, 8 px image border left out.
inline cv::Mat scoringMask(const sim::Simulation& s) {
  return prep::insideImage(prep::timeMean(s.density) > 0.35, 8);
}

}  // namespace mollichrom::test
