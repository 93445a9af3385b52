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
  // Counts: identify the share from the dynamics where they allow it (prep.counts.heteroShare
  // is then only the fallback); off, that share is taken as given.
  bool identifyShare = true;
  // A saved acquisition calibration applied to this stack (its gains, and its M and Γ_ac for a
  // snapshot): the project's, kept when another stack of the same setting is opened.
  std::string calibrationFile;
};

struct TrainingSettings {
  std::string preset = "balanced";  // preview | balanced | accurate | custom
  models::ParameterChoice params;
  train::TrainerConfig config;
  int threads = 0;  // 0: all cores
};

// The user's memory limit for training (MB; 0 or absent: automatic), a QSettings key shared by the
// Training dock that sets it and the session that applies it.
inline constexpr const char* kMemoryLimitSetting = "memoryLimitMb";

// Presets (core/train/Presets.h, shared with the CLI) applied to the dock's settings.
// Unknown names leave the settings unchanged.
void applyPreset(const std::string& preset, TrainingSettings& s);

}  // namespace mollichrom::ui
