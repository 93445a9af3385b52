#pragma once
// What a camera makes of simulated volume fractions (the trust checks' test data, the validation
// suite's camera cases): per channel offset + gain · Poisson(photons · φ) + Gaussian read
// noise, optional bleaching and stage drift, clipped to uint16 — a calibrated 2-channel
// ImageJ-style stack as if loaded from a TIFF.
#include "core/io/Stack.h"
#include "core/sim/ChromatinSimulator.h"

#include <cstdint>
#include <string>

namespace mollichrom::sim {

struct CameraModel {
  double offset[2] = {100, 100};  // density, heterochromatin (counts)
  double gain[2] = {2, 2};        // counts per photon
  double photons = 2000;          // expected photons at φ = 1
  double readNoise = 3;           // counts (σ)
  // Background fluorescence over the whole field (autofluorescence, out-of-focus light), in φ:
  // what a camera sees besides the nuclei. The offset measured from the background removes it
  // with the camera's own; without it the model's φ_h, which dips below zero just outside the
  // nucleus in the simulation, was clipped at zero photons, a misfit no real stack shows.
  double background = 0.05;
  double bleachPerFrame = 0;   // signal lost per frame
  double driftPxPerFrame = 0;  // stage drift, px per frame in x and y
  int saturateAt = 65535;      // counts clip here (a 12-bit camera: 4095)
};

// The clean fields of `s` (or its noisy ones with `noisyFields`) recorded by `camera`.
// `name` becomes the stack's path (for messages).
io::Stack cameraStack(const Simulation& s, const SimulationConfig& config,
                      const CameraModel& camera, std::uint64_t seed, const std::string& name,
                      bool noisyFields = false);

// Mean φ_h / mean φ_c over the nucleus (time-mean φ_c > 0.35), summed over all frames: the
// share a counts calibration should find, for benchmarks and tests to score it against.
double trueShare(const Simulation& s);

}  // namespace mollichrom::sim
