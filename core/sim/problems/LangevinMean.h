#pragma once
// First order: an ensemble of overdamped Langevin particles, dX = −k(t)·X dt + σ dW. Its mean
// obeys dm/dt = −k(t)·m exactly (the noise has zero mean), so the observed series — the
// ensemble's mean at each frame — determines k(t) through a first derivative. The particles are
// stepped by Euler–Maruyama; the accuracy check is the scheme's weak order 1 on the mean.
#include "core/sim/problems/InverseProblem.h"

namespace mollichrom::sim {

ProblemData simulateLangevinMean(const ProblemConfig& c);
ConvergenceCheck langevinConvergence();
// The drift coefficient and the exact mean (m(0) = 1) at times t.
double langevinK(double t);
double langevinExactMean(double t);

}  // namespace mollichrom::sim
