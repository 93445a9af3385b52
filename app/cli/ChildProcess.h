#pragma once
// Benchmarks run each configuration in a fresh child process of this executable, so a peak
// RSS measures that configuration alone.
#include <string>

namespace mollichrom::cli {

// Runs a shell command, returns its stdout; throws std::runtime_error naming `what` on failure.
std::string runCapture(const std::string& command, const std::string& what);

}  // namespace mollichrom::cli
