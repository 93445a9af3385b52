#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli bench derivatives ...` (and its per-process child). Returns the exit code.
int runBench(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
