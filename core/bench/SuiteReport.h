#pragma once
// The benchmark suite's report (`bench suite --report DIR`): report.md (how it was run, the
// targets and one table per problem), results.csv (one row per run), error_vs_noise.png (the
// parameter's error against the noise level, one panel per problem), step_time.png and
// memory.png (per problem and (network, engine) pair, the median over the noise levels, log
// scale). Rows of several seeds: the tables list every run with its seed, then each cell's
// median, best and worst error over the seeds; the error plot shows the median and the seeds'
// range. Every file is written atomically; throws std::runtime_error naming a file it could
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
