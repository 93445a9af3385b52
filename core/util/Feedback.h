#pragma once
// Progress and cancellation shared between long work (loading, training, export) and whoever
// watches it (GUI worker, CLI progress bar) — in the spirit of QGIS's QgsFeedback. Thread-safe:
// the worker calls setProgress()/isCanceled(), any thread may call cancel().
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>

namespace mollichrom::util {

struct Canceled : std::runtime_error {
  Canceled() : std::runtime_error("canceled") {}
};

class Feedback {
 public:
  using ProgressFn = std::function<void(double fraction, const std::string& what)>;

  void cancel() {
    {
      std::lock_guard<std::mutex> lock(pauseMutex_);
      canceled_.store(true);
    }
    pauseChanged_.notify_all();
  }
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

  // Pause/resume (GUI): the worker calls waitWhilePaused() between steps; it blocks until
  // resume() or cancel() and returns the seconds it waited (so time budgets can skip them).
  void setPaused(bool paused) {
    {
      std::lock_guard<std::mutex> lock(pauseMutex_);
      paused_ = paused;
    }
    pauseChanged_.notify_all();
  }
  bool isPaused() const {
    std::lock_guard<std::mutex> lock(pauseMutex_);
    return paused_;
  }
  double waitWhilePaused() {
    std::unique_lock<std::mutex> lock(pauseMutex_);
    if (!paused_ || canceled_.load()) return 0;
    const auto start = std::chrono::steady_clock::now();
    pauseChanged_.wait(lock, [this] { return !paused_ || canceled_.load(); });
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

 private:
  std::atomic<bool> canceled_{false};
  std::atomic<double> progress_{0.0};
  ProgressFn observer_;
  mutable std::mutex pauseMutex_;
  std::condition_variable pauseChanged_;
  bool paused_ = false;
};

}  // namespace mollichrom::util
