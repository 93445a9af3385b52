#pragma once
// The chromatin reaction-diffusion model's constants and its local free-energy terms, shared
// by the simulator, the direct estimator and the trained model (no LibTorch here).
//
//   φ_e = φ_c − φ_h,  φ_d = φ_h − φ_e
//   μ_d = −φ_e + h(φ_h) − ℓ²∇²φ_d,   h(φ) = φ(φ_max − φ)(φ_max − 2φ)
//   ∂φ_d/∂t = M ∇²μ_d + 2 Γ_ac (λ(x) φ_e − φ_h)
// Units: x, y in µm, t in s; M in µm²/s, Γ_ac in 1/s, ℓ in µm; λ = Γ_me/Γ_ac dimensionless.
#include <map>
#include <string>

namespace mollichrom::models {

struct ChromatinParameters {
  double phiMax = 0.7;
  double ell = 0.15;     // µm
  double M = 1.0;        // µm²/s
  double gammaAc = 1.0;  // 1/s
};

inline double wellH(double p, double phiMax) { return p * (phiMax - p) * (phiMax - 2 * p); }
inline double wellH1(double p, double phiMax) {
  return phiMax * phiMax - 6 * phiMax * p + 6 * p * p;
}  // h'
inline double wellH2(double p, double phiMax) { return -6 * phiMax + 12 * p; }  // h''

// Which scalars are fixed (true) or inferred; names as on the command line.
struct ParameterChoice {
  ChromatinParameters values;
  bool fixM = false, fixGamma = false;  // ell and phi_max are always fixed
  std::map<std::string, double> setByUser;
};

// Applies "M=1,gamma_ac=0.5" (names M, gamma_ac, ell, phi_max): the named values become fixed.
// Throws std::invalid_argument naming the bad entry.
void applyParameterSettings(const std::string& text, ParameterChoice& choice);

}  // namespace mollichrom::models
