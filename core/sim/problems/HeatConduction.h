#pragma once
// Second order: heat conduction u_t = ∇·(k(x)∇u) on the periodic unit square, k a smooth bump
// plus a smoothed step (a band of higher conductivity). Finite volumes with k at the faces,
// explicit Euler at a step proportional to h²; the accuracy check is the second order in h.
#include "core/sim/problems/InverseProblem.h"

namespace mollichrom::sim {

ProblemData simulateHeat(const ProblemConfig& c);
ConvergenceCheck heatConvergence();
double heatK(double x, double y);  // on [0, 1)², periodic

}  // namespace mollichrom::sim
