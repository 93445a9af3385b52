#pragma once
// The batch's figure (summary.png): per condition, the distribution of λ over its pixels
// (a violin), the median λ of each nucleus (dots) and their quartiles (a box).
#include <string>
#include <vector>

namespace mollichrom::batch {

struct ConditionStats;

// Writes the PNG atomically; throws std::runtime_error naming `path` on failure.
void writeSummaryFigure(const std::string& path, const std::vector<ConditionStats>& conditions);
// Text for OpenCV's Hershey fonts, which draw ASCII only: other characters become '?'.
std::string asciiLabel(const std::string& s, size_t maxChars = 28);

}  // namespace mollichrom::batch
