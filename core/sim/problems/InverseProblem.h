#pragma once
// The paper's benchmark problems: one first-, one second- and one fourth-order
// inverse problem, each with its own forward simulator, a known parameter to recover and a
// stated accuracy check of the simulator (its convergence order).
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

namespace mollichrom::sim {

enum class InverseProblemKind {
  Langevin,  // 1st order: the ensemble mean of an overdamped Langevin process, dm/dt = −k(t)·m
  Heat,      // 2nd order: u_t = ∇·(k(x)∇u), k a smooth bump plus a smoothed step
  Rd4,  // 4th order: u_t = ∇²(u³ − u − ε²∇²u) − r(x)(u − ū), Cahn–Hilliard with reaction
};
std::string problemName(InverseProblemKind k);             // "langevin", "heat", "rd4"
InverseProblemKind parseProblem(const std::string& name);  // throws std::invalid_argument
int derivativeOrder(InverseProblemKind k);                 // 1, 2, 4
std::string parameterName(InverseProblemKind k);           // "k(t)", "k(x)", "r(x)"
std::string equationText(InverseProblemKind k);            // the model's equation, in ASCII

// What a problem hands to an inverse solver: the observed field and the parameter's truth.
struct ProblemData {
  InverseProblemKind kind{};
  torch::Tensor clean;     // the simulated field, float64: [T] (Langevin) or [T, H, W]
  torch::Tensor observed;  // clean + Gaussian noise of σ = noise · (max − min of clean)
  torch::Tensor truth;     // the parameter: k(t) [T], k(x) [H, W] or r(x) [H, W]
  double dx = 1, dt = 1;   // grid spacing (space, time)
  double noise = 0;        // as given
  std::string parameter;   // "k(t)", "k(x)", "r(x)"
};

struct ProblemConfig {
  int size = 64;     // grid points per side (Heat, Rd4)
  int frames = 32;   // stored time points
  double noise = 0;  // relative noise level
  std::uint64_t seed = 1;
};

ProblemData simulateProblem(InverseProblemKind kind, const ProblemConfig& config);

// The simulator's accuracy check: errors at successively halved steps against a fine reference,
// and the observed order log2(e_h / e_{h/2}) of the last halving.
struct ConvergenceCheck {
  std::string what;  // "time step of the mean (Euler)", "grid spacing", "time step (semi-implicit)"
  std::vector<double> steps, errors;
  double order = 0, expected = 0;
  bool ok() const { return order > expected - 0.3; }
  // Sets `order` from the last halving of `errors`.
  void setObservedOrder() { order = std::log2(errors[errors.size() - 2] / errors.back()); }
};
ConvergenceCheck checkConvergence(InverseProblemKind kind);

}  // namespace mollichrom::sim
