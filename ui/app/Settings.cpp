#include "ui/app/Settings.h"

namespace mollichrom::ui {

// Measured on the bundled sample (README, "Desktop application"): with the λ prior as it is,
// more steps flatten λ (Pearson 0.981 at 20 steps, 0.965 at 40); a wider mollifier (half-width
// 10 px instead of 8) smooths the fourth derivatives and gains more than extra steps do.
void applyPreset(const std::string& preset, TrainingSettings& s) {
  if (preset == "preview") {
    s.config.steps = 10;
    s.config.mollifier.halfWidthXY = 8;
  } else if (preset == "balanced") {
    s.config.steps = 20;
    s.config.mollifier.halfWidthXY = 8;
  } else if (preset == "accurate") {
    s.config.steps = 20;
    s.config.mollifier.halfWidthXY = 10;
  } else {
    return;
  }
  s.config.lbfgsFinish = false;  // measured: the L-BFGS polish drives M towards 0 on the sample
  s.preset = preset;
}

bool isPreset(const std::string& name) {
  return name == "preview" || name == "balanced" || name == "accurate";
}

}  // namespace mollichrom::ui
