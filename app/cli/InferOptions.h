#pragma once
// The options of `mollichrom-cli infer`, parsed into the run's settings. Shared by `infer` and
// `batch` (which checks every item's options before anything runs and plans its memory).
#include "app/cli/Args.h"
#include "core/io/StackReader.h"
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"
#include "core/train/Calibrate.h"
#include "core/train/MemoryPlan.h"
#include "core/train/Trainer.h"

#include <set>
#include <string>
#include <vector>

namespace mollichrom::cli {

struct InferOptions {
  prep::PrepOptions po;
  models::ParameterChoice choice;
  train::TrainerConfig cfg;
  io::LoadOptions lo;
  double memoryLimitMb = 0;
  bool quiet = false;
  // The calibration step (Calibrate.h): a saved calibration to apply, and where to save the
  // run's own.
  train::CalibrationRequest calibration;
  std::string saveCalibration;
};

const std::set<std::string>& inferValuedOptions();
const std::set<std::string>& inferFlagOptions();
Args inferArgs(const std::vector<std::string>& argv);
// Everything but the input's own checks (--free, --nuclei, --truth). Throws UsageError.
InferOptions parseInferOptions(const Args& args);
// The run's shape for the memory plan, from the file's header and the load options.
train::RunShape runShape(const io::StackInfo& info, const io::LoadOptions& lo);
// The stack read under the options' memory limit and prepared with them; the stack itself is
// released once the fields are. Throws io::StackError (and what prepare throws).
prep::FieldData loadPrepared(const std::string& path, const InferOptions& o);

}  // namespace mollichrom::cli
