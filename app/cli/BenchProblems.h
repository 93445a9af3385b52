#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli bench problems`: the benchmark suite's three inverse problems — what each
// simulates and infers — and the convergence check of each forward simulator.
int runBenchProblems(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
