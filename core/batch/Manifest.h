#pragma once
// What a batch analyses: one item per stack, with its condition and its own infer options.
// Read from a manifest CSV (`path[,condition][,name][,acquisition][,any infer option]`) or from a
// list of inputs, and checked as a whole before anything runs: a missing file, a duplicate output
// name or an unknown column is an error naming the manifest's line.
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mollichrom::batch {

// Bad manifest or inputs: one line naming the file and the problem (exit code 3).
struct BatchInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Options = std::vector<std::pair<std::string, std::string>>;  // name (no "--"), value

struct BatchItem {
  std::string name;       // its folder under items/ (unique; the file's stem unless given)
  std::string path;       // absolute input path
  std::string condition;  // "" when none given
  Options options;        // flags have the value ""
  // The acquisition (microscope setting) it was recorded with: items of one acquisition share
  // one calibration (AcquisitionCalibration.h). "" — the default — is one group for the batch.
  std::string acquisition;
};

// The infer options a column (or the batch command line) may give.
struct OptionNames {
  std::set<std::string> valued, flags;
  bool known(const std::string& name) const { return valued.count(name) || flags.count(name); }
};

// `common` apply to every item unless its row sets the same option. Relative paths are
// relative to the manifest's folder.
std::vector<BatchItem> readManifest(const std::string& file, const OptionNames& allowed,
                                    const Options& common);
// Items from stack paths given on the command line, all with `condition`.
std::vector<BatchItem> itemsFromInputs(const std::vector<std::string>& inputs,
                                       const std::string& condition, const Options& common);
// The default item name: the file name without .ome.tif/.tif/.tiff/.png.
std::string itemNameOf(const std::string& path);

// The batch's own table (DIR/batch.csv): every item with its options, absolute paths — what
// the workers and SLURM tasks run. Written atomically; read back with the same checks.
std::string batchTableCsv(const std::vector<BatchItem>& items);
std::vector<BatchItem> readBatchTable(const std::string& file, const OptionNames& allowed);

// Columns a manifest has besides the options.
inline const std::set<std::string>& reservedColumns() {
  static const std::set<std::string> names{"path", "condition", "name", "acquisition"};
  return names;
}

}  // namespace mollichrom::batch
