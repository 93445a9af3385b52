#include "ui/app/Settings.h"

#include "core/train/Presets.h"

namespace mollichrom::ui {

void applyPreset(const std::string& preset, TrainingSettings& s) {
  if (!train::isPreset(preset)) return;
  train::applyPreset(preset, s.config);
  s.preset = preset;
}

}  // namespace mollichrom::ui
