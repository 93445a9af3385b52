#pragma once
// The conditions benchmark: what a study measures. Each case is one acquisition — several
// cells under two or more conditions whose λ differs by a known factor, recorded as camera
// counts with one microscope setting (the same gain per channel for every cell, the two
// channels' gains unequal, offset, Poisson and read noise) — and its truth: the share of every
// cell, M and Γ_ac, λ maps. The cases span what the project's one simulator can vary: patterns,
// λ scales, true shares 0.35–0.65, M and Γ_ac 0.5–2, noise 1–5 %, the channels' gain ratio,
// nucleus density level; drawn from one master seed (printed), so nothing is tuned on one draw.
#include "core/io/Stack.h"
#include "core/sim/ChromatinSimulator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mollichrom::bench {

struct ConditionArm {
  std::string name;
  double lambdaScale = 1;
};

struct ConditionsCase {
  std::string name;
  std::vector<ConditionArm> arms;
  int cellsPerArm = 3;
  sim::SimulationConfig sim;          // size, frames, dt, pixel, noise, M and Γ_ac of every cell
  std::vector<std::string> patterns;  // cycled over the cells
  double gainRatio = 1;  // heterochromatin channel's counts per photon over the density's
  double offset = 100;
  std::uint64_t seed = 1;
};

std::vector<ConditionsCase> conditionsSuite(std::uint64_t masterSeed);

// One simulated cell of a case: its stack (camera counts) and truth.
struct ConditionsCell {
  std::string arm;
  int armIndex = 0;
  io::Stack stack;
  cv::Mat lambda;           // true λ
  cv::Mat evalMask;         // where it is scored (clean φ_c > 0.35, 8 px from the image border)
  double share = 0;         // true mean φ_h / mean φ_c over the nucleus
  double medianLambda = 0;  // true median λ over the evaluation mask
};

std::vector<ConditionsCell> simulateCase(const ConditionsCase& c);

}  // namespace mollichrom::bench
