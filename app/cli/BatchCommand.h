#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli batch (INPUT... | --manifest M.csv) --out DIR [...]`: local workers or a
// SLURM job array.
int runBatch(const std::vector<std::string>& args);
// `batch task DIR --index N`: one item (a worker's and a SLURM task's job).
int runBatchTask(const std::vector<std::string>& args);
// `batch status DIR`: done / failed / running / pending, with squeue and sacct when present.
int runBatchStatus(const std::vector<std::string>& args);
// `batch collect DIR`: results.csv, summary.json and summary.png.
int runBatchCollect(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
