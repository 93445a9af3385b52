#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli bench scale` (and `scale-child`, one case in its own process).
int runBenchScale(const std::string& what, const std::vector<std::string>& args);
}  // namespace mollichrom::cli
