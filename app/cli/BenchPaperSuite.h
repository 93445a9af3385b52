#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli bench suite`: the paper's benchmark suite — every (problem × noise ×
// network × engine) fit, each in a child process, with its table and report.
int runBenchPaperSuite(const std::vector<std::string>& args);
// `bench suite-child`: one fit in this process; prints its JSON line.
int runBenchPaperSuiteChild(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
