#include "core/batch/SlurmScript.h"

#include "core/batch/Manifest.h"
#include "core/util/Subprocess.h"

#include <cmath>
#include <regex>
#include <sstream>

namespace mollichrom::batch {

void checkSlurmOptions(const SlurmOptions& o) {
  // These land on #SBATCH lines, which sbatch reads without a shell: keep them to the syntax
  // SLURM accepts so nothing else can ride along.
  if (!o.partition.empty() && !std::regex_match(o.partition, std::regex("[A-Za-z0-9_.,-]+")))
    throw BatchInputError("--partition '" + o.partition + "' is not a partition name");
  if (!o.time.empty() &&
      !std::regex_match(o.time, std::regex("([0-9]+-)?[0-9]+(:[0-9]{1,2}){0,2}")))
    throw BatchInputError("--time '" + o.time +
                          "' must be MINUTES, H:MM:SS or D-HH:MM:SS (sbatch --time)");
  if (o.cpus < 1) throw BatchInputError("--cpus must be >= 1");
  if (o.throttle < 0) throw BatchInputError("--throttle must be >= 0");
  if (!(o.memoryMb > 0)) throw BatchInputError("--mem must be > 0");
}

double parseSlurmMemory(const std::string& text) {
  std::smatch m;
  if (!std::regex_match(text, m, std::regex("([0-9]+(\\.[0-9]+)?)([KMGTkmgt]?)")))
    throw std::invalid_argument("'" + text + "' is not a size such as 512M or 4G");
  double v = std::stod(m[1].str());
  switch (m[3].str().empty() ? 'M' : std::toupper(m[3].str()[0])) {
    case 'K':
      v /= 1024;
      break;
    case 'G':
      v *= 1024;
      break;
    case 'T':
      v *= 1024 * 1024;
      break;
    default:
      break;
  }
  return v;
}

std::string arrayList(const std::vector<int>& indexes) {
  std::string out;
  for (size_t i = 0; i < indexes.size();) {
    size_t j = i;
    while (j + 1 < indexes.size() && indexes[j + 1] == indexes[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(indexes[i]);
    if (j > i) out += "-" + std::to_string(indexes[j]);
    i = j + 1;
  }
  return out;
}

std::string sbatchScript(const SlurmOptions& o, const std::vector<int>& indexes) {
  checkSlurmOptions(o);
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# Mollichrom batch: one array task per item of batch.csv, written by\n"
    << "# `mollichrom-cli batch --slurm`. Submit it from the batch folder (relative paths below):\n"
    << "#   cd BATCH_FOLDER && sbatch slurm/job.sbatch\n"
    << "# The folder must be visible at the same path on the compute nodes.\n"
    << "#SBATCH --job-name=mollichrom-batch\n"
    << "#SBATCH --array=" << arrayList(indexes)
    << (o.throttle > 0 ? "%" + std::to_string(o.throttle) : "") << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=" << o.cpus << "\n"
    << "#SBATCH --mem=" << static_cast<long long>(std::ceil(o.memoryMb)) << "M\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  s << "#SBATCH --output=slurm/logs/task_%A_%a.out\n"
    << "set -u\n"
    << "exec " << util::shellQuote(o.program) << " batch task . --index \"$SLURM_ARRAY_TASK_ID\""
    << " --threads \"${SLURM_CPUS_PER_TASK:-" << o.cpus << "}\"" << (o.force ? " --force" : "")
    << "\n";
  return s.str();
}

}  // namespace mollichrom::batch
