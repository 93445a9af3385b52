#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli infer INPUT --out RATES.tif [...]` — see kInferUsage.
int runInfer(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
