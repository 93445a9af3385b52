#pragma once
#include <string>
#include <vector>

namespace mollichrom::cli {
// `mollichrom-cli calibrate STACK... --out CALIBRATION.json [...]` — see its --help.
int runCalibrate(const std::vector<std::string>& args);
}  // namespace mollichrom::cli
