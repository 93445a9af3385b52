#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli bench inference [...]`: accuracy of λ per pattern × noise × engine.
int runBenchInference(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
