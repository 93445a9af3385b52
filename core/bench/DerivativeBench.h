#pragma once
// The derivative-engine benchmark: one full training step (forward, operator, loss, backward,
// Adam step) of the same coordinate MLP on an N×N grid, with the operator of a given order
// taken by the mollifier layer or by recursive autodiff, against a data-only floor.
// Torch-free header: the CLI and the GUI only see plain structs.
#include <string>
#include <vector>

namespace mollichrom::bench {

struct DerivativeBenchConfig {
  std::string engine = "mollifier";  // mollifier | autodiff | data_only
  int order = 4;                     // 1: ∂x+∂y, 2: ∇², 3: ∂x∇²+∂y∇², 4: ∇⁴
  int grid = 64;
  int width = 64;
  int hidden = 3;
  std::string dtype = "float32";  // float32 | float64
  int steps = 20;                 // timed steps (>= 10)
  int warmup = 5;
  int kernelHalfWidth = 3;  // mollifier kernel half-width in nodes
  int threads = 0;          // 0: runtime default
};

struct DerivativeBenchResult {
  double stepMs = 0;     // median over timed steps
  double workingMb = 0;  // peak RSS − RSS just before the first step
  double peakMb = 0;     // peak RSS of the process
  double loss = 0;       // last loss (sanity: finite)
  std::vector<double> stepTimesMs;
};

// Runs in this process. Throws std::invalid_argument for a bad config.
DerivativeBenchResult runDerivativeStep(const DerivativeBenchConfig& config);

std::string operatorForOrder(int order);  // "grad_sum", "lap", "grad_lap", "bilap"

// One-line JSON of a result (the child's report).
std::string toJson(const DerivativeBenchResult& r);
DerivativeBenchResult resultFromJson(const std::string& line);  // throws std::runtime_error

}  // namespace mollichrom::bench
