#pragma once
// One progress figure over the stages of a task. The engine's stages report their own 0–1
// ("loading", "calibration", "direct estimate", "training", …), and one stage may run more than
// once or grow its own total as it goes, so a bar fed the raw figures jumped back (99 % → 93 %
// on a 512² field, 66 % → 25 % → 62 % on the sample). Here each stage owns a slice of the bar in
// proportion to its expected share of the time, reports of a stage already passed only keep
// the bar where it is, and the figure never decreases. The stage's label is what the user reads.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace mollichrom::util {

struct ProgressStage {
  std::string key;    // the engine's report begins with it ("direct estimate", "loading …")
  std::string label;  // what the window shows ("computing λ")
  double weight = 1;  // expected share of the task's time (any unit; normalised)
};

class StagedProgress {
 public:
  StagedProgress() = default;
  explicit StagedProgress(std::vector<ProgressStage> stages);

  // A report `fraction` of the stage named by `what` (a report naming no stage, or one already
  // passed, counts for the current one without moving it). Returns the overall fraction.
  double update(double fraction, const std::string& what);
  double fraction() const { return overall_; }
  const std::string& label() const;  // the current stage's ("" before the first report)

  // Wall seconds spent in each stage reached so far, in order (the Log's stage times).
  std::vector<std::pair<std::string, double>> stageSeconds() const;

 private:
  int find(const std::string& what) const;
  std::vector<ProgressStage> stages_;
  std::vector<double> start_;  // cumulative normalised weight before each stage
  std::vector<double> seconds_;
  std::vector<bool> reached_;
  std::chrono::steady_clock::time_point since_;
  int current_ = -1;
  double overall_ = 0;
};

}  // namespace mollichrom::util
