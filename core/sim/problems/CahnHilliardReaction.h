#pragma once
// Fourth order: Cahn–Hilliard with a reaction term (Oono–Puri),
//   u_t = ∇²(u³ − u − ε²∇²u) − r(x)·(u − ū),
// on the periodic unit square: phase separation whose pattern the spatially varying rate r(x)
// arrests — the chromatin model's structure with another rate pattern (a smooth checkerboard).
// Spectral in space, stabilised semi-implicit Euler in time; the accuracy check is order 1 in
// the time step.
#include "core/sim/problems/InverseProblem.h"

namespace mollichrom::sim {

ProblemData simulateCahnHilliardReaction(const ProblemConfig& c);
ConvergenceCheck cahnHilliardConvergence();
double reactionRate(double x, double y);  // r(x) on [0, 1)²
constexpr double kRd4Epsilon = 0.025;     // interface width ε
constexpr double kRd4Mean = 0.0;          // ū

}  // namespace mollichrom::sim
