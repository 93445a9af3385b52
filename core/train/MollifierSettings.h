#pragma once
// How fields are mollified for derivatives: kernel family and support, in grid nodes (the
// physical radius follows from the calibration). Defaults were chosen on simulated nuclei
// (0.1 µm pixels, 3% noise): 8 nodes (0.8 µm) in space, 2 frames in time — smaller kernels let
// noise through the 4th derivatives, larger ones blur λ and shrink the analysed region.
#include "core/mollifier/MollifierKernel.h"

#include <string>

namespace mollichrom::train {

struct MollifierSettings {
  mollifier::KernelFamily family = mollifier::KernelFamily::Polynomial;
  int halfWidthXY = 8;  // nodes on each side in x and y
  int halfWidthT = 2;   // frames on each side (time-dependent mode)
  // M and Γ_ac are global: the direct estimator fits them with this wider kernel (less noise in
  // the 4th derivatives, which otherwise bias M towards 0), over the region where it fits.
  int scalarHalfWidthXY = 20;
  // The direct estimate picks its space kernel per pixel from minHalfWidthXY…maxHalfWidthXY
  // (DirectEstimator: intersection of confidence intervals); halfWidthXY stays the kernel of
  // the model terms elsewhere (training, the rate solve).
  bool adaptiveXY = true;
  // The ladder's top is a cost cap: each rung is a pass over every frame of the sampled tiles.
  // A snapshot is one frame, so it affords more (suite: snapshots median r 0.965 → 0.980 with
  // 16 px, while a 512² × 30 series' estimate took 2× as long for +0.004).
  int minHalfWidthXY = 4, maxHalfWidthXY = 12, maxHalfWidthXYSnapshot = 16;
};

// The KernelSpec for a grid with spacings dx, dy (µm), dt (s); dims 3 with time, else 2.
mollifier::KernelSpec kernelSpec(const MollifierSettings& s, double dx, double dy, double dt,
                                 bool withTime);

}  // namespace mollichrom::train
