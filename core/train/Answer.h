#pragma once
// Which estimate of λ a run reports. The validation suite (README, "Validation suite") decides
// the automatic choice: the direct estimate with its data-chosen kernel beat the trained network
// and the rate solve on the time-lapse cases (median r 0.97 vs 0.93) and matched the solve on
// steady snapshots (median r 0.976 vs 0.980) at 1/100 of the time, with a 90 % band that covers
// the truth as claimed (median 0.88, the solve's posterior band 0.75). The solve did better on
// the weakest-signal snapshot (50 nm spots: r 0.62 vs 0.39): --answer solve. The trained λ is
// kept beside the answer either way.
#include <string>

namespace mollichrom::train {

enum class Answer {
  Auto,     // Direct (the suite's choice for both modes)
  Direct,   // the network-free estimate (DirectEstimator)
  Trained,  // the trained network's λ grid
  Solve,    // the minimiser of the mollified residual with its prior (RateSolver)
};

// "auto" | "direct" | "trained" | "solve"; throws std::invalid_argument otherwise.
Answer parseAnswer(const std::string& text);
std::string answerName(Answer a);
// What Auto means (Direct); other choices are themselves.
Answer resolveAnswer(Answer a);

}  // namespace mollichrom::train
