#include "core/util/StagedProgress.h"

#include <algorithm>

namespace mollichrom::util {

StagedProgress::StagedProgress(std::vector<ProgressStage> stages) : stages_(std::move(stages)) {
  double total = 0;
  for (const auto& s : stages_) total += std::max(0.0, s.weight);
  double at = 0;
  for (const auto& s : stages_) {
    start_.push_back(at);
    at += total > 0 ? std::max(0.0, s.weight) / total : 1.0 / double(stages_.size());
  }
  start_.push_back(1.0);
  seconds_.assign(stages_.size(), 0.0);
  reached_.assign(stages_.size(), false);
}

int StagedProgress::find(const std::string& what) const {
  for (size_t i = 0; i < stages_.size(); ++i)
    if (!stages_[i].key.empty() && what.rfind(stages_[i].key, 0) == 0) return int(i);
  return -1;
}

double StagedProgress::update(double fraction, const std::string& what) {
  if (stages_.empty()) return overall_;
  const auto now = std::chrono::steady_clock::now();
  int stage = find(what);
  if (stage < 0 && current_ < 0) stage = 0;
  if (stage > current_) {
    if (current_ >= 0)
      seconds_[size_t(current_)] += std::chrono::duration<double>(now - since_).count();
    // Stages skipped (a preview reused, nothing to solve) count as done.
    current_ = stage;
    reached_[size_t(stage)] = true;
    since_ = now;
    overall_ = std::max(overall_, start_[size_t(stage)]);
  } else if (stage < current_ && stage >= 0) {
    return overall_;  // an earlier stage again (a check re-estimating λ): hold the bar
  }
  const size_t i = size_t(current_);
  const double f = std::clamp(fraction, 0.0, 1.0);
  overall_ = std::max(overall_, start_[i] + f * (start_[i + 1] - start_[i]));
  return overall_;
}

const std::string& StagedProgress::label() const {
  static const std::string none;
  return current_ >= 0 ? stages_[size_t(current_)].label : none;
}

std::vector<std::pair<std::string, double>> StagedProgress::stageSeconds() const {
  std::vector<std::pair<std::string, double>> out;
  for (int i = 0; i <= current_; ++i) {
    if (!reached_[size_t(i)]) continue;
    double s = seconds_[size_t(i)];
    if (i == current_)
      s += std::chrono::duration<double>(std::chrono::steady_clock::now() - since_).count();
    out.emplace_back(stages_[size_t(i)].label, s);
  }
  return out;
}

}  // namespace mollichrom::util
