#include "core/train/Presets.h"

#include "core/train/Trainer.h"

#include <algorithm>
#include <stdexcept>

namespace mollichrom::train {

const std::vector<std::string>& presetNames() {
  static const std::vector<std::string> names{"preview", "balanced", "accurate"};
  return names;
}

bool isPreset(const std::string& name) {
  const auto& n = presetNames();
  return std::find(n.begin(), n.end(), name) != n.end();
}

// Measured on the bundled sample (README, "Presets"): more steps flatten the network's λ under
// its prior; a wider mollifier (10 px instead of 8) smooths the fourth derivatives and gains
// more than extra steps do.
void applyPreset(const std::string& name, TrainerConfig& c) {
  if (name == "preview") {
    c.steps = 10;
    c.mollifier.halfWidthXY = 8;
  } else if (name == "balanced") {
    c.steps = 20;
    c.mollifier.halfWidthXY = 8;
  } else if (name == "accurate") {
    c.steps = 20;
    c.mollifier.halfWidthXY = 10;
  } else {
    throw std::invalid_argument("unknown preset '" + name + "' (preview, balanced, accurate)");
  }
  c.lbfgsFinish = false;  // measured: the L-BFGS polish drives M towards 0 on the sample
}

}  // namespace mollichrom::train
