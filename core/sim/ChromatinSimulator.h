#pragma once
// Forward simulation of the chromatin model (models/ChromatinParameters.h) on a periodic
// square grid: a static, textured nucleus density φ_c(x) and a heterochromatin field relaxing
// from a uniform reaction equilibrium towards the pattern set by a chosen λ(x).
//
// Scheme: semi-implicit (IMEX Euler) Fourier-spectral. The stiff linear 4th-order term
// −Mℓ²∇⁴φ_d and a stabilising M·S∇²φ_d are implicit; the nonlinear chemical potential and the
// reaction are explicit (S = 1 ≥ the largest linear coefficient of μ's explicit part), so any
// substep is stable for the diffusion part; substeps ≤ maxSubstep keep the reaction accurate.
// First-order in time (checked by tests/core/test_simulator.cpp).
#include "core/models/ChromatinParameters.h"
#include "core/prep/FieldData.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mollichrom::util {
class Feedback;
}

namespace mollichrom::sim {

struct SimulationConfig {
  int size = 96;         // pixels per side
  int frames = 21;       // frames written, t = 0, dt, ...
  double dt = 0.05;      // s between frames
  double pixel = 0.104;  // µm
  double noise = 0.03;   // Gaussian noise σ as a fraction of the density channel's maximum
  // blob | ring | patches | random | constant (λ = 1.5) | sharp-ring (a band 3–5 px wide with
  // 1 px edges) | edge (a step across the nucleus) | gradient (a linear ramp) | spots (small
  // sharp disks). The sharp ones are what real nuclei show (peripheral heterochromatin, foci).
  std::string pattern = "blob";
  double lambdaScale = 1;  // the pattern times this: conditions that differ in λ (a study's arms)
  std::uint64_t seed = 1;
  // How the recorded series starts: "equilibrium" (the reaction equilibrium of the mean λ, then
  // relaxation towards the pattern), "white" (φ_d from white noise: early frames carry
  // coarsening transients) or "steady" (relaxed to the steady state first: with frames = 1 the
  // super-resolution snapshot case). relaxSeconds > 0 relaxes that long before the first frame
  // (a near-steady series).
  std::string start = "equilibrium";
  double relaxSeconds = 0;
  // Nucleus density φ_c = mask · (densityMean + densityTexture · smooth noise of unit σ).
  double densityMean = 0.55, densityTexture = 0.05;
  // Nuclei in the field: 1 (centred) or several smaller ones, the last touching the image border.
  int nuclei = 1;
  models::ChromatinParameters params;
  double maxSubstep = 0.002;  // s
};

struct Simulation {
  std::vector<cv::Mat> density, hetero;            // clean φ_c, φ_h per frame (CV_32F)
  std::vector<cv::Mat> densityNoisy, heteroNoisy;  // what the "microscope" records
  cv::Mat lambda;                                  // true λ(x) (CV_32F)
  double noiseSigma = 0;
};

// Throws std::invalid_argument for unusable settings (size < 16, frames < 1, unknown pattern...).
Simulation simulate(const SimulationConfig& config, util::Feedback* feedback = nullptr);

// λ(x) patterns and the nucleus density, exposed for tests.
cv::Mat lambdaPattern(const std::string& pattern, int size, std::uint64_t seed);
cv::Mat nucleusDensity(int size, std::uint64_t seed);
cv::Mat nucleusDensity(const SimulationConfig& config);

// Whether `pattern` is one lambdaPattern knows.
bool isKnownPattern(const std::string& pattern);

// The simulation as the engines see prepared data: noisy (or clean) fields, calibration, and the
// automatic nucleus mask.
prep::FieldData observedFields(const Simulation& s, const SimulationConfig& config,
                               bool noisy = true);

// Writes the noisy 2-channel (density, heterochromatin) float32 ImageJ hyperstack (TCYX,
// calibrated) and the true λ map (float32 TIFF). Atomic.
void writeSimulation(const Simulation& s, const SimulationConfig& config,
                     const std::string& stackPath, const std::string& truthPath);

}  // namespace mollichrom::sim
