#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli simulate --out STACK.tif --truth LAMBDA.tif [...]`.
int runSimulate(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
