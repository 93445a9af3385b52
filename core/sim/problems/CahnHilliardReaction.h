#pragma once
// Fourth order: Cahn–Hilliard with a reaction term (Oono–Puri),
//   u_t = ∇²(u³ − u − ε²∇²u) − r(x)·(u − ū),
// on a periodic square of side kRd4Length: phase separation whose pattern the spatially varying
// rate r(x) arrests — the chromatin model's structure with another rate pattern (a smooth
// checkerboard). Spectral in space, stabilised semi-implicit Euler in time; the accuracy check is
// order 1 in the time step.
#include "core/sim/problems/InverseProblem.h"

namespace mollichrom::sim {

ProblemData simulateCahnHilliardReaction(const ProblemConfig& c);
ConvergenceCheck cahnHilliardConvergence();
double reactionRate(double x, double y);  // r(x) on [0, kRd4Length)²
// Interfaces ~2√2·ε wide: 9 grid steps at the default 64² grid, so mollified derivatives of
// order 4 resolve them (at ε = 1.6 steps the residual with the true r(x) was as large as the
// equation's terms), with about two pattern wavelengths across the domain.
constexpr double kRd4Length = 2.0;
constexpr double kRd4Epsilon = 0.1;  // interface width ε
constexpr double kRd4Mean = 0.0;     // ū

}  // namespace mollichrom::sim
