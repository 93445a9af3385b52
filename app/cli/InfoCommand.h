#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli info FILE [--json] [--stats] [--pages-as frames|slices|channels]`.
int runInfo(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
