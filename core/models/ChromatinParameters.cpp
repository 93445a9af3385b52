#include "core/models/ChromatinParameters.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mollichrom::models {

void applyParameterSettings(const std::string& text, ParameterChoice& choice) {
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw std::invalid_argument("'" + item +
                                  "' is not NAME=VALUE (names: M, gamma_ac, ell, phi_max)");
    const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    double v = 0;
    try {
      size_t used = 0;
      v = std::stod(value, &used);
      if (used != value.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw std::invalid_argument("'" + item + "': '" + value + "' is not a number");
    }
    if (!std::isfinite(v) || v <= 0)
      throw std::invalid_argument("'" + item + "': the value must be positive");
    if (name == "M") {
      choice.values.M = v;
      choice.fixM = true;
    } else if (name == "gamma_ac") {
      choice.values.gammaAc = v;
      choice.fixGamma = true;
    } else if (name == "ell")
      choice.values.ell = v;
    else if (name == "phi_max")
      choice.values.phiMax = v;
    else
      throw std::invalid_argument("unknown parameter '" + name +
                                  "' (names: M, gamma_ac, ell, phi_max)");
    choice.setByUser[name] = v;
  }
}

}  // namespace mollichrom::models
