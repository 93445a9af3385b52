#include "core/train/MollifierSettings.h"

namespace mollichrom::train {

mollifier::KernelSpec kernelSpec(const MollifierSettings& s, double dx, double dy, double dt,
                                 bool withTime) {
  mollifier::KernelSpec k;
  k.family = s.family;
  k.dims = withTime ? 3 : 2;
  k.dx = dx;
  k.dy = dy;
  k.dt = dt;
  // MollifierKernel uses ceil(ε/h) − 1 nodes per side: ε = (n + 1)·h gives exactly n.
  k.radius = (s.halfWidthXY + 1) * std::max(dx, dy);
  k.radiusT = (s.halfWidthT + 1) * dt;
  k.polynomialPower = 8;
  return k;
}

}  // namespace mollichrom::train
