#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli bench conditions [...]`: conditions compared on one acquisition's calibration.
int runBenchConditions(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
