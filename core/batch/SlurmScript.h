#pragma once
// The sbatch job-array script of a batch: one array task per pending item, each running
// `mollichrom-cli batch task . --index N` in the batch folder — the same code path as a local
// worker, so local and cluster results are identical. No file name of the data appears in the
// script (the tasks read them from batch.csv): nothing from the manifest can reach a shell.
#include <string>
#include <vector>

namespace mollichrom::batch {

struct SlurmOptions {
  std::string partition;  // empty: the cluster's default
  std::string time;       // e.g. "30", "1:00:00", "1-00:00:00"; empty: the partition's default
  double memoryMb = 0;    // per task (from the memory plan unless given)
  int cpus = 1;           // per task; also the task's --threads
  int throttle = 0;       // at most this many tasks at once (%K); 0: no limit
  std::string program;    // the mollichrom-cli executable the tasks run
  bool force = false;     // redo items already done
};

// Checks the options' syntax; throws BatchInputError naming the option.
void checkSlurmOptions(const SlurmOptions& o);
// "--mem" syntax ("512M", "2G") to MB; throws std::invalid_argument.
double parseSlurmMemory(const std::string& text);
// The indexes as an --array list: "0-3,5,7-9".
std::string arrayList(const std::vector<int>& indexes);
// The whole script.
std::string sbatchScript(const SlurmOptions& o, const std::vector<int>& indexes);

}  // namespace mollichrom::batch
