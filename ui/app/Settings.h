#pragma once
// What the user chose in the data and training docks: the same structures the CLI fills from
// its flags, so a project's settings mean exactly what `mollichrom-cli infer` would do.
#include "core/io/StackReader.h"
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"
#include "core/train/Trainer.h"

#include <string>

namespace mollichrom::ui {

struct DataSettings {
  io::LoadOptions load;    // crop, frame range, binning
  prep::PrepOptions prep;  // channels, normalisation, mask, drift/bleach, calibration overrides
};

struct TrainingSettings {
  std::string preset = "balanced";  // preview | balanced | accurate | custom
  models::ParameterChoice params;
  train::TrainerConfig config;
  int threads = 0;  // 0: all cores
};

// Presets (core/train/Presets.h, shared with the CLI) applied to the dock's settings.
// Unknown names leave the settings unchanged.
void applyPreset(const std::string& preset, TrainingSettings& s);

}  // namespace mollichrom::ui
