#pragma once
// Failures a user can be shown as one line. Backtraces and C++ frames never reach a user: the
// engine translates its numerical library's errors into these (runtime/ErrorText.h).
#include <stdexcept>
#include <string>

namespace mollichrom::util {

// The numerical library failed; the message is its first line.
struct ComputeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An allocation failed during the work (other processes took the memory, or the plan was wrong).
struct OutOfMemoryError : ComputeError {
  using ComputeError::ComputeError;
};

// Refused before anything large was allocated: the run's memory estimate exceeds the limit. The
// message says what would fit (a frame range, binning, crop or tile size).
struct MemoryPlanError : std::runtime_error {
  MemoryPlanError(const std::string& message, double needed, double limit)
      : std::runtime_error(message), neededMb(needed), limitMb(limit) {}
  double neededMb, limitMb;
};

}  // namespace mollichrom::util
