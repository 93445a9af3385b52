#pragma once
// Progress and cancellation shared between long work (loading, training, export) and whoever
// watches it (GUI worker, CLI progress bar) — in the spirit of QGIS's QgsFeedback. Thread-safe:
// the worker calls setProgress()/isCanceled(), any thread may call cancel().
#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>

namespace mollichrom::util {

struct Canceled : std::runtime_error {
  Canceled() : std::runtime_error("canceled") {}
};

class Feedback {
 public:
  using ProgressFn = std::function<void(double fraction, const std::string& what)>;

  void cancel() { canceled_.store(true); }
  bool isCanceled() const { return canceled_.load(); }
  void throwIfCanceled() const {
    if (isCanceled()) throw Canceled();
  }
  // fraction in [0, 1]; forwarded to the observer (called on the worker's thread).
  void setProgress(double fraction, const std::string& what = {}) {
    progress_.store(fraction);
    if (observer_) observer_(fraction, what);
  }
  double progress() const { return progress_.load(); }
  void setObserver(ProgressFn fn) { observer_ = std::move(fn); }

 private:
  std::atomic<bool> canceled_{false};
  std::atomic<double> progress_{0.0};
  ProgressFn observer_;
};

}  // namespace mollichrom::util
