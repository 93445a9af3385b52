#include "core/sim/problems/InverseProblem.h"

#include "core/sim/problems/CahnHilliardReaction.h"
#include "core/sim/problems/HeatConduction.h"
#include "core/sim/problems/LangevinMean.h"

#include <stdexcept>

namespace mollichrom::sim {

std::string problemName(InverseProblemKind k) {
  switch (k) {
    case InverseProblemKind::Langevin:
      return "langevin";
    case InverseProblemKind::Heat:
      return "heat";
    case InverseProblemKind::Rd4:
      return "rd4";
  }
  return "langevin";
}

InverseProblemKind parseProblem(const std::string& name) {
  for (auto k : {InverseProblemKind::Langevin, InverseProblemKind::Heat, InverseProblemKind::Rd4})
    if (problemName(k) == name) return k;
  throw std::invalid_argument("unknown problem '" + name + "' (langevin, heat, rd4)");
}

int derivativeOrder(InverseProblemKind k) {
  switch (k) {
    case InverseProblemKind::Langevin:
      return 1;
    case InverseProblemKind::Heat:
      return 2;
    case InverseProblemKind::Rd4:
      return 4;
  }
  return 1;
}

std::string parameterName(InverseProblemKind k) {
  switch (k) {
    case InverseProblemKind::Langevin:
      return "k(t)";
    case InverseProblemKind::Heat:
      return "k(x)";
    case InverseProblemKind::Rd4:
      return "r(x)";
  }
  return "k(t)";
}

std::string equationText(InverseProblemKind k) {
  switch (k) {
    case InverseProblemKind::Langevin:
      return "dm/dt = -k(t) m (ensemble mean of dX = -k X dt + s dW)";
    case InverseProblemKind::Heat:
      return "u_t = div(k(x) grad u)";
    case InverseProblemKind::Rd4:
      return "u_t = lap(u^3 - u - eps^2 lap u) - r(x)(u - mean)";
  }
  return {};
}

ProblemData simulateProblem(InverseProblemKind kind, const ProblemConfig& c) {
  if (c.frames < 4) throw std::invalid_argument("a benchmark problem needs at least 4 frames");
  if (!(c.noise >= 0)) throw std::invalid_argument("noise must be >= 0");
  ProblemData d;
  switch (kind) {
    case InverseProblemKind::Langevin:
      d = simulateLangevinMean(c);
      break;
    case InverseProblemKind::Heat:
      d = simulateHeat(c);
      break;
    case InverseProblemKind::Rd4:
      d = simulateCahnHilliardReaction(c);
      break;
  }
  d.kind = kind;
  d.noise = c.noise;
  d.parameter = parameterName(kind);
  // Noise relative to the field's range, the same rule for every problem. Langevin's observed
  // series already carries the ensemble's own sampling noise; this adds to it.
  if (!d.observed.defined()) d.observed = d.clean.clone();
  if (c.noise > 0) {
    auto gen = at::detail::createCPUGenerator(c.seed * 7919 + 17);
    const double range = (d.clean.max() - d.clean.min()).item<double>();
    d.observed =
        d.observed + c.noise * range * at::normal(0, 1, d.observed.sizes(), gen, torch::kFloat64);
  }
  return d;
}

ConvergenceCheck checkConvergence(InverseProblemKind kind) {
  switch (kind) {
    case InverseProblemKind::Langevin:
      return langevinConvergence();
    case InverseProblemKind::Heat:
      return heatConvergence();
    case InverseProblemKind::Rd4:
      return cahnHilliardConvergence();
  }
  return {};
}

}  // namespace mollichrom::sim
