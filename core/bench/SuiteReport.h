#pragma once
// The benchmark suite's report (`bench suite --report DIR`): report.md (how it was run, the
// targets and one table per problem), results.csv (one row per run), error_vs_noise.png (the
// parameter's error against the noise level, one panel per problem), step_time.png and
// memory.png (per problem and (network, engine) pair, the median over the noise levels, log
// scale). Every file is written atomically; throws std::runtime_error naming a file it could
// not write.
#include "core/bench/ProblemSuite.h"

#include <string>
#include <vector>

namespace mollichrom::bench {

void writeSuiteReport(const std::string& dir, const std::vector<ProblemSuiteRow>& rows,
                      const std::vector<TargetCheck>& targets, int threads, double totalSeconds);

// results.csv's text (RFC 4180: no field here needs quoting).
std::string suiteCsv(const std::vector<ProblemSuiteRow>& rows);

}  // namespace mollichrom::bench
