#include "ui/app/Settings.h"

namespace mollichrom::ui {

void applyPreset(const std::string& preset, TrainingSettings& s) {
  if (preset == "preview") {
    s.config.steps = 10;
    s.config.lbfgsFinish = false;
  } else if (preset == "balanced") {
    s.config.steps = 20;
    s.config.lbfgsFinish = false;
  } else if (preset == "accurate") {
    s.config.steps = 20;
    s.config.lbfgsFinish = true;
  } else {
    return;
  }
  s.preset = preset;
}

}  // namespace mollichrom::ui
