#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli bench io FILE [--create-mb N] [--repeats R] [--json OUT]`.
int runBenchIo(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
