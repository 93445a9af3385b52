#pragma once
// Training presets, shared by the GUI's Training dock and `mollichrom-cli infer --preset`, so a
// GUI run can be repeated headless with the same settings.
#include <string>
#include <vector>

namespace mollichrom::train {

struct TrainerConfig;

// preview, balanced, accurate: what the GUI offers, in its order.
const std::vector<std::string>& presetNames();
bool isPreset(const std::string& name);
// Sets the steps, the network's kernel half-width and the L-BFGS finish of `name`; other
// settings are left as they are. Throws std::invalid_argument naming the choices.
void applyPreset(const std::string& name, TrainerConfig& config);

}  // namespace mollichrom::train
